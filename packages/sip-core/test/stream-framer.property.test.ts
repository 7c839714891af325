import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  SIP_ERROR_CODES,
  StreamFramer,
  parseMessage,
  serializeMessage,
  type FramerEvent,
  type StreamFramerOptions,
} from '../src/index.js';
import { arbitraryMessageSample, arbitraryMutatedBytes } from '../src/testing/index.js';

const RUNS = 2000;
/** Generous: property runs share CI machines. */
const TIMEOUT = 60_000;

/** One thing written on the stream: a message, a message the parser refuses (its end still known), or CRLFs. */
type Item =
  | { readonly kind: 'message'; readonly bytes: Uint8Array }
  | { readonly kind: 'refused'; readonly bytes: Uint8Array; readonly code: string }
  | { readonly kind: 'crlf'; readonly count: number };

const itemArbitrary: fc.Arbitrary<Item> = fc.oneof(
  { weight: 4, arbitrary: arbitraryMessageSample().map((s): Item => ({ kind: 'message', bytes: s.bytes })) },
  {
    weight: 1,
    arbitrary: arbitraryMessageSample().map((s): Item => {
      // Without Call-ID the message is refused, but its Content-Length still frames it.
      s.message.headers.delete('Call-ID');
      return { kind: 'refused', bytes: serializeMessage(s.message), code: 'SIP_ERR_MISSING_HEADER' };
    }),
  },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 5 }).map((count): Item => ({ kind: 'crlf', count })) },
);

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function streamOf(items: readonly Item[]): Uint8Array {
  return concat(
    items.map((item) => (item.kind === 'crlf' ? new Uint8Array(Buffer.from('\r\n'.repeat(item.count))) : item.bytes)),
  );
}

/**
 * The events a server must report for `items`: each run of CRLFs between
 * messages is as many pings as it holds pairs, then a pong for an odd one,
 * except that an odd CRLF at the very end is still waiting for its next byte.
 */
function expectedEvents(items: readonly Item[]): string[] {
  const out: string[] = [];
  let run = 0;
  const flush = (atEnd: boolean): void => {
    for (let i = 0; i < Math.floor(run / 2); i++) out.push('ping');
    if (run % 2 === 1 && !atEnd) out.push('pong');
    run = 0;
  };
  for (const item of items) {
    if (item.kind === 'crlf') {
      run += item.count;
      continue;
    }
    flush(false);
    out.push(item.kind === 'message' ? 'message ' + Buffer.from(item.bytes).toString('latin1') : 'error ' + item.code);
  }
  flush(true);
  return out;
}

function describeEvent(e: FramerEvent): string {
  switch (e.kind) {
    case 'message':
      return 'message ' + Buffer.from(e.bytes).toString('latin1');
    case 'error':
      return `error ${e.error.code}${e.fatal ? ' fatal' : ''}`;
    default:
      return e.kind;
  }
}

/** Cuts `bytes` at the given points (taken modulo its length). */
function cut(bytes: Uint8Array, points: readonly number[]): Uint8Array[] {
  const at = [...new Set(points.map((p) => (bytes.length === 0 ? 0 : p % bytes.length)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const p of at) {
    chunks.push(bytes.subarray(start, p));
    start = p;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

function frame(
  chunks: readonly Uint8Array[],
  options?: StreamFramerOptions,
): { events: FramerEvent[]; maxBuffered: number } {
  const framer = new StreamFramer(options);
  const events: FramerEvent[] = [];
  let maxBuffered = 0;
  for (const chunk of chunks) {
    events.push(...framer.push(chunk));
    maxBuffered = Math.max(maxBuffered, framer.buffered);
  }
  return { events, maxBuffered };
}

const cutPoints = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.nat(), { maxLength: 12 }) },
  { weight: 1, arbitrary: fc.array(fc.nat(), { minLength: 30, maxLength: 200 }) },
);

describe('StreamFramer properties', () => {
  it(
    'gives the same messages, keep-alives and errors however the stream is cut into chunks',
    () => {
      fc.assert(
        fc.property(fc.array(itemArbitrary, { minLength: 1, maxLength: 3 }), cutPoints, (items, points) => {
          const stream = streamOf(items);
          const { events } = frame(cut(stream, points));
          expect(events.map(describeEvent)).toEqual(expectedEvents(items));
          for (const e of events) {
            if (e.kind === 'message') expect(parseMessage(e.bytes, { framing: 'stream' }).ok).toBe(true);
          }
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    'on a client, reports every single CRLF between messages as a pong however the stream is cut',
    () => {
      fc.assert(
        fc.property(
          fc.array(arbitraryMessageSample(), { minLength: 1, maxLength: 2 }),
          fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
          cutPoints,
          (samples, pongs, points) => {
            const items: Item[] = [];
            samples.forEach((s, i) => {
              if (pongs[i] === true) items.push({ kind: 'crlf', count: 1 });
              items.push({ kind: 'message', bytes: s.bytes });
            });
            if (pongs[2] === true) items.push({ kind: 'crlf', count: 1 });
            const expected = expectedEvents(items);
            if (pongs[2] === true) expected.push('pong');
            const { events } = frame(cut(streamOf(items), points), { keepAliveRole: 'client' });
            expect(events.map(describeEvent)).toEqual(expected);
          },
        ),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    'never throws on damaged streams, stays within its limits, and reports the same events however they are cut',
    () => {
      const limits = fc.record({
        maxMessageSize: fc.oneof(fc.constant(65535), fc.integer({ min: 64, max: 4096 })),
        maxHeaders: fc.oneof(fc.constant(256), fc.integer({ min: 1, max: 20 })),
      });
      fc.assert(
        fc.property(
          fc.array(
            fc.oneof(
              arbitraryMutatedBytes(),
              fc.uint8Array({ maxLength: 64 }),
              fc.constantFrom(new Uint8Array([13, 10]), new Uint8Array([13, 10, 13, 10])),
            ),
            { minLength: 1, maxLength: 4 },
          ),
          cutPoints,
          limits,
          (parts, points, l) => {
            const stream = concat(parts);
            const whole = frame([stream], { limits: l });
            const chunked = frame(cut(stream, points), { limits: l });
            expect(chunked.events.map(describeEvent)).toEqual(whole.events.map(describeEvent));
            expect(chunked.maxBuffered).toBeLessThanOrEqual(l.maxMessageSize);
            chunked.events.forEach((e, i) => {
              if (e.kind === 'error') {
                expect(Object.keys(SIP_ERROR_CODES)).toContain(e.error.code);
                if (e.fatal) expect(i).toBe(chunked.events.length - 1);
              }
              if (e.kind === 'message') expect(e.bytes.length).toBeLessThanOrEqual(l.maxMessageSize);
            });
          },
        ),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );
});

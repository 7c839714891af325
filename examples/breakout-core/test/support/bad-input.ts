/**
 * Bad input for the flood end-to-end test, made from a seed so that every
 * run sends the same bytes: datagrams that do not parse (random bytes,
 * valid messages damaged by sip-core's mutator, truncated requests, and
 * hand-made requests that deserve a 400), each with what the core must
 * make of it; and clients that misbehave on TCP and TLS connections
 * (silent, stalled half-way, garbage, a partial ClientHello, plaintext on
 * the TLS port). Loopback only; every loop is bounded by a count.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import tls from 'node:tls';
import fc from 'fast-check';
import {
  parseMessage,
  StreamFramer,
  TransportLayer,
  type Transport,
  type TransportReceiver,
} from '@sipbreakout/sip-core';
import { arbitraryMutatedBytes, arbitraryRequestBytes } from '@sipbreakout/sip-core/testing';
import { sleep } from '@sipbreakout/test-peers';

/** How many datagrams of each kind a corpus holds. */
export interface DatagramCounts {
  /** Random bytes (1–1,400 of them). */
  readonly random: number;
  /** Valid requests and responses damaged by `arbitraryMutatedBytes` (up to 4 mutations each). */
  readonly mutated: number;
  /** Valid requests cut short. */
  readonly truncated: number;
  /** Hand-made requests with one malformed header field, each owed a 400 (RFC 3261 §8.2.6, §21.4.1). */
  readonly answerable: number;
}

/** Datagrams that do not parse, and what the core owes for them. */
export interface DatagramCorpus {
  /** Every kind spread evenly over the whole corpus. */
  readonly datagrams: readonly Uint8Array[];
  /** The Call-ID of each hand-made request, by its index in `datagrams`. */
  readonly answerableAt: ReadonlyMap<number, string>;
  /** How many of each `SIP_ERR_…` code the core's UDP transport must count. */
  readonly codes: ReadonlyMap<string, number>;
  /** How many answers the core owes, by status: the answerable ones, and any mutated or truncated request whose head still says whom to answer. */
  readonly answers: ReadonlyMap<number, number>;
  /** The Call-IDs of the hand-made requests, each owed a 400. */
  readonly answerableCallIds: readonly string[];
}

/** The largest datagram the corpus holds (a mutation can make a message much larger). */
const MAX_DATAGRAM = 16_384;

/** Hand-made requests with one bad header field; each parses to an error that carries status 400 and the headers to answer with. */
const ANSWERABLE: ReadonlyArray<{
  readonly method: string;
  readonly cseqMethod?: string;
  readonly headers: readonly string[];
  readonly body?: string;
}> = [
  { method: 'OPTIONS', headers: ['Max-Forwards: seventy', 'Content-Length: 0'] },
  { method: 'INVITE', cseqMethod: 'OPTIONS', headers: ['Max-Forwards: 70', 'Content-Length: 0'] },
  { method: 'INVITE', headers: ['Max-Forwards: 70', 'Contact: <sip:broken', 'Content-Length: 0'] },
  { method: 'REGISTER', headers: ['Max-Forwards: 70', 'Expires: -5', 'Content-Length: 0'] },
  { method: 'MESSAGE', headers: ['Max-Forwards: 70', 'Content-Length: 10'], body: 'abc' },
  { method: 'MESSAGE', headers: ['Max-Forwards: 70', 'Content-Type: ///', 'Content-Length: 3'], body: 'abc' },
  { method: 'BYE', headers: ['Max-Forwards: 70', 'Content-Length: abc'] },
  { method: 'BYE', headers: ['Max-Forwards: 70', 'Route: <sip:x', 'Content-Length: 0'] },
  { method: 'OPTIONS', headers: ['Max-Forwards: 70', 'Date: yesterday', 'Content-Length: 0'] },
  { method: 'OPTIONS', headers: ['Max-Forwards: 70', 'Min-Expires: soon', 'Content-Length: 0'] },
];

function answerable(i: number): { bytes: Uint8Array; callId: string } {
  const t = ANSWERABLE[i % ANSWERABLE.length];
  if (t === undefined) throw new Error('no template');
  const callId = `flood-400-${i}@bad.invalid`;
  const text = [
    `${t.method} sip:+4790000002@127.0.0.1 SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-flood-${i};rport`,
    `From: <sip:+4790000001@mobile.invalid>;tag=flood${i}`,
    'To: <sip:+4790000002@mobile.invalid>',
    `Call-ID: ${callId}`,
    `CSeq: ${i + 1} ${t.cseqMethod ?? t.method}`,
    ...t.headers,
    '',
    t.body ?? '',
  ].join('\r\n');
  return { bytes: Buffer.from(text, 'latin1'), callId };
}

/**
 * What the core's transport layer answers to each datagram that did not
 * parse, asked of sip-core's own `TransportLayer` over a recording fake
 * transport: the one place that policy (answer what can be answered, never
 * an ACK, RFC 3261 §8.2.6 and §17.1.1.3) is written. The e2e test then
 * checks that the running core, under load, answered every one of them.
 */
function answersOf(datagrams: readonly Uint8Array[]): Map<number, number> {
  const sent: Uint8Array[] = [];
  let receiver: TransportReceiver | undefined;
  const recording: Transport = {
    protocol: 'UDP',
    reliable: false,
    local: { host: '127.0.0.1', port: 5060 },
    sentBy: { host: '127.0.0.1', port: 5060 },
    setReceiver: (r) => {
      receiver = r;
    },
    listen: () => Promise.resolve(),
    send: (bytes) => {
      sent.push(bytes);
      return Promise.resolve();
    },
    hasConnection: () => false,
    close: () => Promise.resolve(),
  };
  new TransportLayer({ transports: [recording] });
  const source = { protocol: 'UDP' as const, host: '127.0.0.1', port: 9, local: recording.local };
  for (const d of datagrams) {
    const parsed = parseMessage(d);
    if (!parsed.ok) receiver?.({ kind: 'parseError', error: parsed.error, source, fatal: false });
  }
  const answers = new Map<number, number>();
  for (const s of sent) {
    const status = Number(Buffer.from(s).toString('latin1', 8, 11));
    answers.set(status, (answers.get(status) ?? 0) + 1);
  }
  return answers;
}

/** True for what the UDP transport ignores before parsing (a bare CRLF keep-alive, RFC 3261 §7.5). */
function ignored(bytes: Uint8Array): boolean {
  return bytes.length <= 4 && bytes.every((b) => b === 13 || b === 10);
}

/** `count` samples of `arbitrary` that do not parse as a datagram and fit {@link MAX_DATAGRAM}. */
function unparsable(arbitrary: fc.Arbitrary<Uint8Array>, count: number, seed: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  // Bounded: at most 20 rounds of samples, each of twice what is still missing.
  for (let round = 0; out.length < count && round < 20; round++) {
    for (const bytes of fc.sample(arbitrary, { numRuns: 2 * (count - out.length), seed: seed + round })) {
      if (out.length === count) break;
      if (bytes.length === 0 || bytes.length > MAX_DATAGRAM || ignored(bytes) || parseMessage(bytes).ok) continue;
      out.push(bytes);
    }
  }
  if (out.length < count) throw new Error(`only ${out.length} of ${count} unparsable samples`);
  return out;
}

/** A corpus of `counts` datagrams from `seed`, each kind spread evenly so that every kind runs through the whole flood. */
export function datagramCorpus(counts: DatagramCounts, seed: number): DatagramCorpus {
  const random = unparsable(fc.uint8Array({ minLength: 1, maxLength: 1400 }), counts.random, seed);
  const mutated = unparsable(arbitraryMutatedBytes(), counts.mutated, seed + 100);
  const cut = fc
    .tuple(arbitraryRequestBytes(), fc.double({ min: 0.05, max: 0.95, noNaN: true }))
    .map(([bytes, f]) => bytes.subarray(0, Math.max(1, Math.floor(bytes.length * f))));
  const truncated = unparsable(cut, counts.truncated, seed + 200);
  const made = Array.from({ length: counts.answerable }, (_, i) => answerable(i));
  for (const m of made) {
    const parsed = parseMessage(m.bytes);
    if (parsed.ok || parsed.error.status !== 400 || parsed.error.request === undefined)
      throw new Error(`${m.callId} is not a request owed a 400`);
  }
  // Item j of a kind of n items sits at (j + ½) / n of the way through.
  const placed = [
    ...[random, mutated, truncated].flatMap((kind) =>
      kind.map((bytes, j) => ({ at: (j + 0.5) / kind.length, bytes, callId: undefined as string | undefined })),
    ),
    ...made.map((m, j) => ({ at: (j + 0.5) / made.length, bytes: m.bytes, callId: m.callId as string | undefined })),
  ].sort((x, y) => x.at - y.at);
  const datagrams = placed.map((p) => p.bytes);
  const answerableAt = new Map<number, string>();
  placed.forEach((p, i) => {
    if (p.callId !== undefined) answerableAt.set(i, p.callId);
  });
  const codes = new Map<string, number>();
  for (const d of datagrams) {
    const parsed = parseMessage(d);
    if (!parsed.ok) codes.set(parsed.error.code, (codes.get(parsed.error.code) ?? 0) + 1);
  }
  return {
    datagrams,
    answerableAt,
    codes,
    answers: answersOf(datagrams),
    answerableCallIds: made.map((m) => m.callId),
  };
}

/** Responses one UDP socket got back, by status and Call-ID. */
export interface Answers {
  readonly byStatus: ReadonlyMap<number, number>;
  readonly callIds: ReadonlySet<string>;
  readonly total: number;
  /** When the first datagram went out (ms since the epoch). */
  readonly firstSentAt: number;
}

/**
 * Sends a corpus to `address` from one socket, `batch` datagrams at a time
 * every `intervalMs`, and collects what comes back until `settle` says all
 * came or `settleMs` after the last one. Before the next batch it waits (up
 * to `ackMs`) for the answer to the batch's last hand-made request: the core
 * reads its socket in order, so that answer says it has read the whole
 * batch. The flood then never outruns the core, whatever else loads the
 * machine, and no datagram is lost to a full socket buffer. An answer that
 * does not come in time stops the waiting for the rest of the flood.
 */
export async function floodUdp(options: {
  readonly address: string;
  readonly corpus: DatagramCorpus;
  readonly batch: number;
  readonly intervalMs: number;
  readonly ackMs: number;
  readonly settle: (answers: Answers) => boolean;
  readonly settleMs: number;
}): Promise<Answers> {
  const [host = '127.0.0.1', portText = '0'] = options.address.split(':');
  const port = Number(portText);
  const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
  const byStatus = new Map<number, number>();
  const callIds = new Set<string>();
  let total = 0;
  socket.on('message', (bytes) => {
    const text = bytes.toString('latin1');
    if (!text.startsWith('SIP/2.0 ')) return;
    total++;
    const status = Number(text.slice(8, 11));
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    const callId = /\r\n(?:Call-ID|i)[ \t]*:[ \t]*([^\r\n]*)/i.exec(text)?.[1]?.trim();
    if (callId !== undefined) callIds.add(callId);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  let firstSentAt = 0;
  const answers = (): Answers => ({ byStatus, callIds, total, firstSentAt });
  try {
    const { datagrams, answerableAt } = options.corpus;
    let acking = true;
    firstSentAt = Date.now();
    for (let i = 0; i < datagrams.length; i += options.batch) {
      const end = Math.min(i + options.batch, datagrams.length);
      for (let j = i; j < end; j++)
        await new Promise<void>((resolve) => socket.send(datagrams[j] as Uint8Array, port, host, () => resolve()));
      let last: string | undefined;
      for (let j = i; j < end; j++) last = answerableAt.get(j) ?? last;
      const ackBy = Date.now() + options.ackMs;
      while (acking && last !== undefined && !callIds.has(last) && Date.now() < ackBy) await sleep(2);
      // An answer that never came fails the test later; the rest of the flood goes out without waiting.
      if (last !== undefined && !callIds.has(last)) acking = false;
      await sleep(options.intervalMs);
    }
    const end = Date.now() + options.settleMs;
    while (!options.settle(answers()) && Date.now() < end) await sleep(50);
    return answers();
  } finally {
    socket.close();
  }
}

/** A client connection the test keeps open until the core closes it. */
export interface HeldConnection {
  readonly kind: string;
  readonly openedAt: number;
  /** When the core closed it (ms since the epoch), or undefined while open. */
  closedAt(): number | undefined;
  /** Closes it from our side (cleanup). */
  destroy(): void;
}

function hold(kind: string, socket: net.Socket, openedAt: number): HeldConnection {
  let closedAt: number | undefined;
  socket.on('error', () => undefined);
  socket.on('close', () => {
    closedAt ??= Date.now();
  });
  return { kind, openedAt, closedAt: () => closedAt, destroy: () => socket.destroy() };
}

/** Resolves with `socket` held once it emits `ready` (then writes `bytes`); rejects on an error or after 5 s. */
function opened(
  kind: string,
  socket: net.Socket,
  ready: 'connect' | 'secureConnect',
  bytes: Uint8Array | undefined,
): Promise<HeldConnection> {
  return new Promise((resolve, reject) => {
    const fail = (error: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error(`${kind}: not connected within 5 s`)), 5000);
    socket.once('error', fail);
    socket.once(ready, () => {
      clearTimeout(timer);
      socket.off('error', fail);
      const held = hold(kind, socket, Date.now());
      if (bytes !== undefined) socket.write(bytes);
      resolve(held);
    });
  });
}

/** Opens a TCP connection to `port` on loopback, writes `bytes` (if any), and keeps it open. */
export function rawConnection(kind: string, port: number, bytes?: Uint8Array): Promise<HeldConnection> {
  return opened(kind, net.connect({ host: '127.0.0.1', port }), 'connect', bytes);
}

/** Opens a TLS connection to `port` (trusting `ca` for the core's certificate, presenting `cert` if given), then writes `bytes` (if any). */
export function tlsConnection(
  kind: string,
  options: {
    readonly port: number;
    readonly ca: string;
    readonly cert?: { readonly cert: string; readonly key: string };
    readonly bytes?: Uint8Array;
  },
): Promise<HeldConnection> {
  return opened(
    kind,
    tls.connect({
      host: '127.0.0.1',
      port: options.port,
      ca: options.ca,
      servername: 'localhost',
      ...(options.cert ?? {}),
    }),
    'secureConnect',
    options.bytes,
  );
}

/** The first flight a Node TLS client sends (its ClientHello record), caught by a plain TCP listener on loopback. */
export async function captureClientHello(): Promise<Buffer> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  try {
    const hello = new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no ClientHello within 2 s')), 2000);
      server.once('connection', (socket) => {
        socket.once('data', (chunk: Buffer) => {
          clearTimeout(timer);
          resolve(chunk);
          socket.destroy();
        });
      });
    });
    const client = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false });
    client.on('error', () => undefined);
    const bytes = await hello;
    client.destroy();
    return bytes;
  } finally {
    server.close();
  }
}

/** Garbage for a stream: random bytes ending in an empty line, with no Content-Length, so the framer can never find the message's end (a fatal error). */
export function streamGarbage(
  count: number,
  seed: number,
): { readonly chunks: readonly Uint8Array[]; readonly codes: ReadonlyMap<string, number> } {
  const chunks: Uint8Array[] = [];
  const codes = new Map<string, number>();
  const candidates = fc.sample(fc.uint8Array({ minLength: 8, maxLength: 600 }), { numRuns: 2 * count, seed });
  for (const random of candidates) {
    if (chunks.length === count) break;
    const bytes = Buffer.concat([Buffer.from(random), Buffer.from('\r\n\r\n', 'latin1')]);
    // Keep only what is one fatal error to a fresh framer (as a server sees it): nothing before it, nothing owed a response.
    const events = new StreamFramer().push(bytes);
    const [only] = events;
    if (events.length !== 1 || only?.kind !== 'error' || !only.fatal || only.error.status !== undefined) continue;
    chunks.push(bytes);
    codes.set(only.error.code, (codes.get(only.error.code) ?? 0) + 1);
  }
  if (chunks.length < count) throw new Error(`only ${chunks.length} of ${count} garbage chunks`);
  return { chunks, codes };
}

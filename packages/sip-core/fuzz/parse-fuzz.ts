/**
 * The long fuzz run of the message layer (`pnpm fuzz:parse`, not in CI):
 * feeds parseMessage and the StreamFramer a seeded stream of hostile inputs
 * (valid messages from the testing arbitraries, damaged by the mutator,
 * concatenated, or replaced by random bytes) and fails on any exception.
 *
 * Usage: node dist-fuzz/fuzz/parse-fuzz.js [--runs N] [--seed S] [--max-seconds T]
 *
 * It also fails, with the input saved, when a message it accepted does not
 * parse again after serializeMessage, or when an undamaged valid message is
 * refused. Failing inputs are written to dist-fuzz/failures/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import {
  StreamFramer,
  isSipError,
  parseMessage,
  serializeMessage,
  type ParseLimits,
  type SipMessage,
} from '../src/index.js';
import { arbitraryMessageSample, mutateMessage } from '../src/testing/index.js';

interface Options {
  runs: number;
  seed: number;
  maxSeconds: number;
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { runs: 1_000_000, seed: 1, maxSeconds: 1800 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = (): number => {
      const value = Number(argv[++i]);
      if (!Number.isFinite(value) || value < 0) throw new Error(`${arg} takes a non-negative number`);
      return value;
    };
    if (arg === '--runs') options.runs = Math.floor(next());
    else if (arg === '--seed') options.seed = Math.floor(next());
    else if (arg === '--max-seconds') options.maxSeconds = next();
    else if (arg === '--') continue;
    else throw new Error(`unknown argument ${arg}; usage: parse-fuzz [--runs N] [--seed S] [--max-seconds T]`);
  }
  return options;
}

/** xorshift32: fast, seeded, good enough to choose inputs. */
function generator(seed: number): () => number {
  let state = seed >>> 0 || 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x100000000;
  };
}

const ACCESSORS = [
  'via',
  'from',
  'to',
  'callId',
  'cseq',
  'maxForwards',
  'contact',
  'route',
  'recordRoute',
  'contentLength',
  'contentType',
  'expires',
  'sessionId',
  'pAssertedIdentity',
  'authorization',
  'proxyAuthorization',
  'wwwAuthenticate',
  'proxyAuthenticate',
] as const;

const SMALL_LIMITS: Partial<ParseLimits> = { maxMessageSize: 600, maxHeaders: 12, maxHeaderLength: 120, maxVias: 3 };

/** Lines of valid messages, shuffled into SIP-looking soups. */
function linesOf(pool: readonly Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const bytes of pool.slice(0, 300)) {
    let start = 0;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] === 10) {
        out.push(bytes.subarray(start, i + 1));
        start = i + 1;
      }
    }
  }
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

class Counter {
  readonly counts = new Map<string, number>();
  add(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
  print(title: string): void {
    console.log(title);
    const rows = [...this.counts].sort((a, b) => b[1] - a[1]);
    for (const [key, n] of rows) console.log('  ' + key.padEnd(40) + String(n).padStart(10));
  }
}

function main(): number {
  const options = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const failuresDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'failures');
  const samples = fc.sample(arbitraryMessageSample(), { numRuns: 3000, seed: options.seed });
  const pool = samples.map((s) => s.bytes);
  const lines = linesOf(pool);
  const random = generator(options.seed);
  const int = (max: number): number => Math.floor(random() * max);
  console.log(
    `fuzzing parseMessage and StreamFramer: ${options.runs} inputs, seed ${options.seed}, at most ${options.maxSeconds} s (pool of ${pool.length} valid messages)`,
  );

  const verdicts = new Counter();
  const framerEvents = new Counter();
  const accessorErrors = new Counter();
  const kinds = new Counter();
  /** Failures grouped by what went wrong; the first input of each group is saved. */
  const failures = new Map<string, { count: number; first: string }>();
  let failureCount = 0;
  let done = 0;
  let lastProgress = started;

  const fail = (index: number, what: string, input: Uint8Array, error?: unknown): void => {
    failureCount++;
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : '';
    const key = what + (detail ? ' — ' + detail : '');
    const group = failures.get(key);
    if (group !== undefined) {
      group.count++;
      return;
    }
    mkdirSync(failuresDir, { recursive: true });
    const file = join(failuresDir, `seed${options.seed}-input${index}.bin`);
    writeFileSync(file, input);
    const stack =
      error instanceof Error && error.stack !== undefined
        ? '\n      ' + error.stack.split('\n').slice(1, 6).join('\n      ')
        : '';
    failures.set(key, { count: 1, first: `input ${index}, saved to ${file}${stack}` });
  };

  for (let index = 0; index < options.runs; index++) {
    if ((index & 1023) === 0) {
      const now = performance.now();
      if ((now - started) / 1000 > options.maxSeconds) {
        console.log(`stopped at the time limit of ${options.maxSeconds} s`);
        break;
      }
      if (now - lastProgress > 5000) {
        lastProgress = now;
        const seconds = (now - started) / 1000;
        console.error(
          `  ${index} / ${options.runs} inputs, ${seconds.toFixed(1)} s, ${Math.round(index / seconds)} inputs/s, ${failureCount} failures`,
        );
      }
    }
    const r = random();
    let input: Uint8Array;
    let pristine = false;
    if (r < 0.7) {
      kinds.add('mutated valid message');
      input = mutateMessage(pool[int(pool.length)]!, { seed: int(0x100000000) });
    } else if (r < 0.78) {
      kinds.add('random bytes');
      input = Uint8Array.from({ length: int(600) }, () => int(256));
    } else if (r < 0.86) {
      kinds.add('soup of valid lines');
      const parts = Array.from({ length: 1 + int(20) }, () => lines[int(lines.length)]!);
      if (random() < 0.7) parts.push(new Uint8Array([13, 10]));
      input = concat(parts);
    } else if (r < 0.95) {
      kinds.add('pipelined, then mutated');
      const parts = Array.from({ length: 2 + int(3) }, () =>
        random() < 0.2 ? new Uint8Array([13, 10, 13, 10]) : pool[int(pool.length)]!,
      );
      input = random() < 0.5 ? mutateMessage(concat(parts), { seed: int(0x100000000) }) : concat(parts);
    } else {
      kinds.add('valid message');
      input = pool[int(pool.length)]!;
      pristine = true;
    }
    const framing = random() < 0.5 ? 'datagram' : 'stream';
    const limits = !pristine && random() < 0.1 ? SMALL_LIMITS : undefined;
    const cuts = [int(input.length + 1), int(input.length + 1)].sort((a, b) => a - b);
    done++;

    try {
      const result = parseMessage(input, limits === undefined ? { framing } : { framing, limits });
      verdicts.add(result.ok ? 'ok' : result.error.code);
      if (!result.ok && pristine)
        fail(index, `a valid message was refused with ${result.error.code}: ${result.error.message}`, input);
      if (result.ok) {
        const message: SipMessage = result.message;
        for (const name of ACCESSORS) {
          try {
            void message[name];
          } catch (error) {
            if (!isSipError(error)) throw error;
            accessorErrors.add(`${name}: ${error.code}`);
          }
        }
        const again = parseMessage(serializeMessage(message));
        if (!again.ok)
          fail(
            index,
            `serializeMessage(parseMessage(input)) was refused with ${again.error.code}: ${again.error.message}`,
            input,
          );
      }
    } catch (error) {
      fail(index, 'parseMessage threw', input, error);
    }

    try {
      const framer = new StreamFramer(limits === undefined ? undefined : { limits });
      const max = limits?.maxMessageSize ?? 65535;
      const events = [
        ...framer.push(input.subarray(0, cuts[0])),
        ...framer.push(input.subarray(cuts[0], cuts[1])),
        ...framer.push(input.subarray(cuts[1])),
      ];
      if (framer.buffered > max)
        fail(index, `the framer holds ${framer.buffered} bytes, over the limit of ${max}`, input);
      events.push(...framer.end());
      events.forEach((e, i) => {
        if (e.kind === 'error') {
          framerEvents.add(`error ${e.error.code}${e.fatal ? ' (fatal)' : ''}`);
          if (e.fatal && i !== events.length - 1) fail(index, 'the framer reported events after a fatal error', input);
          // The framer read a Content-Length from this message's head; the parser must read the same.
          if (!e.fatal && e.error.code === 'SIP_ERR_BAD_CONTENT_LENGTH')
            fail(index, 'the framer and parseMessage disagree on Content-Length', input);
        } else framerEvents.add(e.kind);
      });
    } catch (error) {
      fail(index, 'StreamFramer threw', input, error);
    }
  }

  const seconds = (performance.now() - started) / 1000;
  console.log(
    `\n${done} inputs in ${seconds.toFixed(1)} s (${Math.round(done / seconds)} inputs/s), seed ${options.seed}`,
  );
  kinds.print('inputs:');
  verdicts.print('parseMessage verdicts:');
  accessorErrors.print('typed accessors that threw a SipError on an accepted message:');
  framerEvents.print('StreamFramer events:');
  if (failureCount > 0) {
    console.log(`\nFAILED: ${failureCount} failures, ${failures.size} kinds`);
    for (const [what, { count, first }] of failures) console.log(`  ${count} × ${what}\n      first: ${first}`);
    return 1;
  }
  console.log('\nno exception, no round-trip break: passed');
  return 0;
}

process.exitCode = main();

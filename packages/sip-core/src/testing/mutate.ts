/**
 * A mutator that damages valid messages the ways broken peers and attackers
 * do: flipped, inserted and deleted bytes, truncation, duplicated, dropped
 * and swapped header lines, broken line endings, huge numbers, long runs.
 * Mutations are data, so fast-check can shrink a failing case to the fewest
 * and smallest of them.
 */
import fc from 'fast-check';

/**
 * One mutation. Positions (`at`, `line`, `index`) are taken modulo what the
 * input has, so any mutation applies to any input.
 */
export type Mutation =
  | { readonly kind: 'flip-bit'; readonly at: number; readonly bit: number }
  | { readonly kind: 'set-byte'; readonly at: number; readonly byte: number }
  | { readonly kind: 'insert'; readonly at: number; readonly bytes: Uint8Array }
  | { readonly kind: 'delete'; readonly at: number; readonly length: number }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'duplicate-line'; readonly line: number; readonly times: number }
  | { readonly kind: 'delete-line'; readonly line: number }
  | { readonly kind: 'swap-lines'; readonly line: number; readonly other: number }
  | { readonly kind: 'line-ending'; readonly index: number; readonly replacement: string }
  | { readonly kind: 'number'; readonly index: number; readonly replacement: string }
  | { readonly kind: 'long-run'; readonly at: number; readonly byte: number; readonly length: number }
  | { readonly kind: 'case'; readonly at: number; readonly length: number };

/** Bytes that mean something to a SIP parser. */
const INTERESTING_BYTES = [
  0, 9, 10, 13, 32, 34, 35, 37, 44, 58, 59, 60, 61, 62, 63, 64, 91, 92, 93, 127, 128, 0xc3, 0xff,
];

/** Fragments that mean something to a SIP parser. */
const INTERESTING_TEXT = [
  '\r\n',
  '\r\n ',
  '\r\n\r\n',
  '\n',
  '\r',
  ':',
  ';',
  ',',
  '"',
  '\\',
  '<',
  '>',
  '%',
  '%zz',
  '%0',
  '[',
  ']',
  '[::1]',
  '@',
  '=',
  ' ',
  '\t',
  '\u0000',
  '\u00ff',
  'SIP/2.0',
  'sip:',
  ';tag=',
  ';branch=',
  'Via: SIP/2.0/UDP h\r\n',
  'Content-Length: 5\r\n',
  'l: 99999\r\n',
  'Contact: *\r\n',
  '999999999999999999999',
  '-1',
  '4294967296',
];
const INTERESTING_BINARY = [
  new Uint8Array([0xc3]),
  new Uint8Array([0xff, 0xfe]),
  new Uint8Array([0xed, 0xa0, 0x80]),
  new Uint8Array([0xf0, 0x9f, 0x98]),
];

const LINE_ENDINGS = ['\n', '\r', '\n\r', '\r\r\n', '\r\n ', '\r\n\t', '', '\r\n\r\n', '\r\n\r\n\r\n'];
const NUMBERS = [
  '0',
  '00000000000000000000001',
  '4294967295',
  '4294967296',
  '2147483647',
  '2147483648',
  '65536',
  '256',
  '99999999999999999999999999',
  '-1',
  '1e3',
  '0x10',
  '',
  '1.5',
  '１',
];

const encoder = new TextEncoder();

const interestingBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...INTERESTING_TEXT).map((t) => encoder.encode(t)) },
  { weight: 1, arbitrary: fc.constantFrom(...INTERESTING_BINARY) },
  { weight: 2, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 8 }) },
);

/** An arbitrary mutation. */
export function arbitraryMutation(): fc.Arbitrary<Mutation> {
  const at = fc.nat();
  return fc.oneof(
    fc.record({ kind: fc.constant('flip-bit' as const), at, bit: fc.nat(7) }),
    fc.record({
      kind: fc.constant('set-byte' as const),
      at,
      byte: fc.oneof(fc.constantFrom(...INTERESTING_BYTES), fc.nat(255)),
    }),
    fc.record({ kind: fc.constant('insert' as const), at, bytes: interestingBytes }),
    fc.record({ kind: fc.constant('delete' as const), at, length: fc.integer({ min: 1, max: 16 }) }),
    fc.record({ kind: fc.constant('truncate' as const), at }),
    fc.record({
      kind: fc.constant('duplicate-line' as const),
      line: fc.nat(),
      times: fc.oneof(
        { weight: 5, arbitrary: fc.integer({ min: 1, max: 3 }) },
        { weight: 1, arbitrary: fc.integer({ min: 90, max: 300 }) },
      ),
    }),
    fc.record({ kind: fc.constant('delete-line' as const), line: fc.nat() }),
    fc.record({ kind: fc.constant('swap-lines' as const), line: fc.nat(), other: fc.nat() }),
    fc.record({
      kind: fc.constant('line-ending' as const),
      index: fc.nat(),
      replacement: fc.constantFrom(...LINE_ENDINGS),
    }),
    fc.record({ kind: fc.constant('number' as const), index: fc.nat(), replacement: fc.constantFrom(...NUMBERS) }),
    fc.record({
      kind: fc.constant('long-run' as const),
      at,
      byte: fc.constantFrom(97, 32, 44, 59, 37, 48, 13),
      length: fc.oneof(fc.integer({ min: 100, max: 9000 }), fc.constant(70000)),
    }),
    fc.record({ kind: fc.constant('case' as const), at, length: fc.integer({ min: 1, max: 40 }) }),
  );
}

/** A fresh copy (not `slice`, which on a Node Buffer is a view). */
function copy(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

function splice(bytes: Uint8Array, start: number, deleteCount: number, insert: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length - deleteCount + insert.length);
  out.set(bytes.subarray(0, start), 0);
  out.set(insert, start);
  out.set(bytes.subarray(start + deleteCount), start + insert.length);
  return out;
}

/** Start and end (after its LF) of every line; the last line may lack its LF. */
function lines(bytes: Uint8Array): Array<readonly [number, number]> {
  const out: Array<readonly [number, number]> = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 10) {
      out.push([start, i + 1]);
      start = i + 1;
    }
  }
  if (start < bytes.length) out.push([start, bytes.length]);
  return out;
}

/** Positions of every CRLF, or of every LF when there is none. */
function lineBreaks(bytes: Uint8Array): Array<readonly [number, number]> {
  const out: Array<readonly [number, number]> = [];
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 10) out.push(i > 0 && bytes[i - 1] === 13 ? [i - 1, 2] : [i, 1]);
  }
  return out;
}

function digitRuns(bytes: Uint8Array): Array<readonly [number, number]> {
  const out: Array<readonly [number, number]> = [];
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i]! >= 48 && bytes[i]! <= 57) {
      let j = i;
      while (j < bytes.length && bytes[j]! >= 48 && bytes[j]! <= 57) j++;
      out.push([i, j - i]);
      i = j;
    }
  }
  return out;
}

/** Applies one mutation; returns new bytes (the input is not changed). */
export function applyMutation(bytes: Uint8Array, mutation: Mutation): Uint8Array {
  const n = bytes.length;
  switch (mutation.kind) {
    case 'flip-bit': {
      if (n === 0) return copy(bytes);
      const out = copy(bytes);
      const at = mutation.at % n;
      out[at] = out[at]! ^ (1 << mutation.bit);
      return out;
    }
    case 'set-byte': {
      if (n === 0) return copy(bytes);
      const out = copy(bytes);
      out[mutation.at % n] = mutation.byte;
      return out;
    }
    case 'insert':
      return splice(bytes, mutation.at % (n + 1), 0, mutation.bytes);
    case 'delete': {
      const at = mutation.at % (n + 1);
      return splice(bytes, at, Math.min(mutation.length, n - at), new Uint8Array(0));
    }
    case 'truncate':
      return copy(bytes.subarray(0, mutation.at % (n + 1)));
    case 'duplicate-line': {
      const all = lines(bytes);
      if (all.length === 0) return copy(bytes);
      const [start, end] = all[mutation.line % all.length]!;
      const line = bytes.subarray(start, end);
      const copies = new Uint8Array(line.length * mutation.times);
      for (let i = 0; i < mutation.times; i++) copies.set(line, i * line.length);
      return splice(bytes, end, 0, copies);
    }
    case 'delete-line': {
      const all = lines(bytes);
      if (all.length === 0) return copy(bytes);
      const [start, end] = all[mutation.line % all.length]!;
      return splice(bytes, start, end - start, new Uint8Array(0));
    }
    case 'swap-lines': {
      const all = lines(bytes);
      if (all.length < 2) return copy(bytes);
      let a = all[mutation.line % all.length]!;
      let b = all[mutation.other % all.length]!;
      if (a[0] === b[0]) return copy(bytes);
      if (a[0] > b[0]) [a, b] = [b, a];
      const parts = [
        bytes.subarray(0, a[0]),
        bytes.subarray(b[0], b[1]),
        bytes.subarray(a[1], b[0]),
        bytes.subarray(a[0], a[1]),
        bytes.subarray(b[1]),
      ];
      const out = new Uint8Array(n);
      let p = 0;
      for (const part of parts) {
        out.set(part, p);
        p += part.length;
      }
      return out;
    }
    case 'line-ending': {
      const all = lineBreaks(bytes);
      if (all.length === 0) return copy(bytes);
      const [at, length] = all[mutation.index % all.length]!;
      return splice(bytes, at, length, encoder.encode(mutation.replacement));
    }
    case 'number': {
      const all = digitRuns(bytes);
      if (all.length === 0) return copy(bytes);
      const [at, length] = all[mutation.index % all.length]!;
      return splice(bytes, at, length, encoder.encode(mutation.replacement));
    }
    case 'long-run':
      return splice(bytes, mutation.at % (n + 1), 0, new Uint8Array(mutation.length).fill(mutation.byte));
    case 'case': {
      const out = copy(bytes);
      const at = n === 0 ? 0 : mutation.at % n;
      for (let i = at; i < Math.min(n, at + mutation.length); i++) {
        const c = out[i]!;
        if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) out[i] = c ^ 32;
      }
      return out;
    }
  }
}

/** Applies mutations in order. */
export function applyMutations(bytes: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let out = bytes;
  for (const m of mutations) out = applyMutation(out, m);
  return out === bytes ? copy(bytes) : out;
}

/** Options of {@link mutateMessage}. */
export interface MutateOptions {
  /** Seed of the choices; the same seed and input give the same output. Default: a random seed. */
  readonly seed?: number;
  /** How many mutations to apply. Default: one to four, chosen by the seed. */
  readonly count?: number;
}

/** A small seeded generator (xorshift32), so the mutator needs no fast-check run. */
function xorshift(seed: number): () => number {
  let state = seed >>> 0 || 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x100000000;
  };
}

/** Draws one mutation from `random`, with the same kinds and weights as {@link arbitraryMutation}. */
export function randomMutation(random: () => number): Mutation {
  const int = (max: number): number => Math.floor(random() * (max + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const at = int(0x7fffffff);
  switch (int(11)) {
    case 0:
      return { kind: 'flip-bit', at, bit: int(7) };
    case 1:
      return { kind: 'set-byte', at, byte: random() < 0.5 ? pick(INTERESTING_BYTES) : int(255) };
    case 2: {
      const r = random();
      const bytes =
        r < 0.6
          ? encoder.encode(pick(INTERESTING_TEXT))
          : r < 0.75
            ? pick(INTERESTING_BINARY)
            : Uint8Array.from({ length: 1 + int(7) }, () => int(255));
      return { kind: 'insert', at, bytes };
    }
    case 3:
      return { kind: 'delete', at, length: 1 + int(15) };
    case 4:
      return { kind: 'truncate', at };
    case 5:
      return { kind: 'duplicate-line', line: at, times: random() < 0.85 ? 1 + int(2) : 90 + int(210) };
    case 6:
      return { kind: 'delete-line', line: at };
    case 7:
      return { kind: 'swap-lines', line: at, other: int(0x7fffffff) };
    case 8:
      return { kind: 'line-ending', index: at, replacement: pick(LINE_ENDINGS) };
    case 9:
      return { kind: 'number', index: at, replacement: pick(NUMBERS) };
    case 10:
      return {
        kind: 'long-run',
        at,
        byte: pick([97, 32, 44, 59, 37, 48, 13]),
        length: random() < 0.9 ? 100 + int(8900) : 70000,
      };
    default:
      return { kind: 'case', at, length: 1 + int(39) };
  }
}

/**
 * Damages a message: applies `count` (default one to four) random
 * mutations chosen by `seed`. Deterministic for a given seed; the input is
 * not changed.
 */
export function mutateMessage(bytes: Uint8Array, options?: MutateOptions): Uint8Array {
  const random = xorshift(options?.seed ?? Math.floor(Math.random() * 0x100000000));
  const count = options?.count ?? 1 + Math.floor(random() * 4);
  const mutations: Mutation[] = [];
  for (let i = 0; i < count; i++) mutations.push(randomMutation(random));
  return applyMutations(bytes, mutations);
}

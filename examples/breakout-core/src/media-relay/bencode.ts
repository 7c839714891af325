/**
 * Bencode, the encoding of rtpengine's "ng" control protocol: byte strings
 * (`4:spam`), integers (`i42e`), lists (`l…e`) and dictionaries (`d…e`,
 * byte-string keys). Dictionaries keep their keys in the order written:
 * rtpengine neither sorts the keys of its replies nor needs ours sorted, so
 * a parsed value serializes back to exactly the bytes it came from.
 */
import { MediaRelayError, type MediaRelayErrorCode } from './media-relay-error.js';

/** A value {@link serializeBencode} can write: text is written as UTF-8, bytes as they are. */
export type BencodeValue =
  | string
  | Uint8Array
  | number
  | readonly BencodeValue[]
  | ReadonlyMap<string, BencodeValue>
  | { readonly [key: string]: BencodeValue };

/** A value as {@link parseBencode} reads it: byte strings as text when they are UTF-8 (else bytes), dictionaries as `Map` in wire order. */
export type ParsedBencode = string | Uint8Array | number | ParsedBencode[] | Map<string, ParsedBencode>;

/** The outcome of {@link parseBencode}: a value, or what is wrong and where. */
export type BencodeParseResult = { readonly ok: true; readonly value: ParsedBencode } | { readonly ok: false; readonly error: MediaRelayError };

/** Options of {@link parseBencode}. */
export interface BencodeParseOptions {
  /** How deep lists and dictionaries may nest. Default 64 (rtpengine's deepest reply, `query`, nests 6). */
  readonly maxDepth?: number;
}

/** The default of {@link BencodeParseOptions.maxDepth}. */
export const DEFAULT_BENCODE_MAX_DEPTH = 64;

const COLON = 0x3a;
const E = 0x65;
const I = 0x69;
const L = 0x6c;
const D = 0x64;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
/** Digits of the largest safe integer, 2^53 - 1: a longer run is refused before it is read. */
const MAX_DIGITS = 16;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8 = new TextEncoder();

class Failure {
  constructor(
    readonly code: MediaRelayErrorCode,
    readonly offset: number,
    readonly message: string,
  ) {}
}

/**
 * Reads one bencoded value that fills `bytes`. Never throws: malformed,
 * truncated, too deep or trailing input comes back as a
 * `MEDIA_RELAY_ERR_BENCODE_…` error with the byte offset where it was seen.
 */
export function parseBencode(bytes: Uint8Array, options: BencodeParseOptions = {}): BencodeParseResult {
  const maxDepth = options.maxDepth ?? DEFAULT_BENCODE_MAX_DEPTH;
  let at = 0;

  const fail = (code: MediaRelayErrorCode, message: string, offset = at): never => {
    throw new Failure(code, offset, message);
  };

  /** Digits up to `end` (exclusive) as a non-negative integer, with bencode's rule of no leading zero. */
  const digits = (start: number, end: number, what: string): number => {
    if (end === start) fail('MEDIA_RELAY_ERR_BENCODE_INTEGER', `${what} without digits`, start);
    if (end - start > MAX_DIGITS) fail('MEDIA_RELAY_ERR_BENCODE_INTEGER', `${what} beyond 2^53`, start);
    if (bytes[start] === ZERO && end - start > 1) fail('MEDIA_RELAY_ERR_BENCODE_INTEGER', `${what} with a leading zero`, start);
    let n = 0;
    for (let k = start; k < end; k++) n = n * 10 + ((bytes[k] as number) - ZERO);
    if (!Number.isSafeInteger(n)) fail('MEDIA_RELAY_ERR_BENCODE_INTEGER', `${what} beyond 2^53`, start);
    return n;
  };

  const scanDigits = (): number => {
    const start = at;
    while (at < bytes.length && at - start <= MAX_DIGITS) {
      const b = bytes[at] as number;
      if (b < ZERO || b > NINE) break;
      at++;
    }
    return start;
  };

  const byteString = (): Uint8Array => {
    const start = scanDigits();
    if (at >= bytes.length) fail('MEDIA_RELAY_ERR_BENCODE_TRUNCATED', 'input ends in a string length');
    if (bytes[at] !== COLON) {
      if (at - start > MAX_DIGITS) fail('MEDIA_RELAY_ERR_BENCODE_INTEGER', 'string length beyond 2^53', start);
      fail('MEDIA_RELAY_ERR_BENCODE_SYNTAX', 'a string length must end with ":"');
    }
    const length = digits(start, at, 'string length');
    at++;
    if (length > bytes.length - at) fail('MEDIA_RELAY_ERR_BENCODE_TRUNCATED', `a string of ${length} bytes with ${bytes.length - at} left`, start);
    const out = bytes.subarray(at, at + length);
    at += length;
    return out;
  };

  const integer = (): number => {
    at++; // 'i'
    const negative = bytes[at] === MINUS;
    if (negative) at++;
    const start = scanDigits();
    if (at >= bytes.length) fail('MEDIA_RELAY_ERR_BENCODE_TRUNCATED', 'input ends in an integer');
    if (bytes[at] !== E) {
      if (at - start > MAX_DIGITS) fail('MEDIA_RELAY_ERR_BENCODE_INTEGER', 'integer beyond 2^53', start);
      fail('MEDIA_RELAY_ERR_BENCODE_SYNTAX', 'an integer must end with "e"');
    }
    const n = digits(start, at, 'integer');
    if (negative && n === 0) fail('MEDIA_RELAY_ERR_BENCODE_INTEGER', 'integer -0', start);
    at++;
    return negative ? -n : n;
  };

  const value = (depth: number): ParsedBencode => {
    if (at >= bytes.length) fail('MEDIA_RELAY_ERR_BENCODE_TRUNCATED', 'input ends where a value should start');
    const b = bytes[at] as number;
    if (b === I) return integer();
    if (b === L || b === D) {
      if (depth >= maxDepth) fail('MEDIA_RELAY_ERR_BENCODE_TOO_DEEP', `nested deeper than ${maxDepth}`);
      at++;
      if (b === L) {
        const list: ParsedBencode[] = [];
        while (at < bytes.length && bytes[at] !== E) list.push(value(depth + 1));
        if (at >= bytes.length) fail('MEDIA_RELAY_ERR_BENCODE_TRUNCATED', 'input ends inside a list');
        at++;
        return list;
      }
      const dictionary = new Map<string, ParsedBencode>();
      while (at < bytes.length && bytes[at] !== E) {
        const keyAt = at;
        const first = bytes[at] as number;
        if (first < ZERO || first > NINE) fail('MEDIA_RELAY_ERR_BENCODE_KEY', 'a dictionary key must be a byte string');
        const key = textOf(byteString()) ?? fail('MEDIA_RELAY_ERR_BENCODE_KEY', 'a dictionary key is not UTF-8', keyAt);
        if (dictionary.has(key)) fail('MEDIA_RELAY_ERR_BENCODE_KEY', `key "${key}" appears twice`, keyAt);
        dictionary.set(key, value(depth + 1));
      }
      if (at >= bytes.length) fail('MEDIA_RELAY_ERR_BENCODE_TRUNCATED', 'input ends inside a dictionary');
      at++;
      return dictionary;
    }
    if (b >= ZERO && b <= NINE) {
      const raw = byteString();
      return textOf(raw) ?? raw.slice();
    }
    return fail('MEDIA_RELAY_ERR_BENCODE_SYNTAX', `byte 0x${b.toString(16).padStart(2, '0')} cannot start a value`);
  };

  try {
    const parsed = value(0);
    if (at !== bytes.length) fail('MEDIA_RELAY_ERR_BENCODE_TRAILING', `${bytes.length - at} bytes after the value`);
    return { ok: true, value: parsed };
  } catch (error) {
    if (error instanceof Failure) return { ok: false, error: new MediaRelayError(error.code, `${error.message} (offset ${error.offset})`, { offset: error.offset }) };
    throw error;
  }
}

/** `bytes` as text when they are UTF-8, else undefined. */
function textOf(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** A lone UTF-16 surrogate: text that has no UTF-8 form. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Writes `value` as bencode. Throws `MEDIA_RELAY_ERR_BENCODE_VALUE` for
 * what bencode cannot carry: a number that is not a safe integer, text with
 * a lone surrogate, or an object that is not a plain object, `Map`, array or
 * `Uint8Array`.
 */
export function serializeBencode(value: BencodeValue): Uint8Array {
  const chunks: Uint8Array[] = [];
  let length = 0;
  const push = (chunk: Uint8Array): void => {
    chunks.push(chunk);
    length += chunk.length;
  };
  const ascii = (text: string): void => push(utf8.encode(text));
  const bytes = (b: Uint8Array): void => {
    ascii(`${b.length}:`);
    push(b);
  };
  const text = (s: string): void => {
    if (LONE_SURROGATE.test(s)) throw new MediaRelayError('MEDIA_RELAY_ERR_BENCODE_VALUE', 'text with a lone surrogate has no UTF-8 form');
    bytes(utf8.encode(s));
  };
  const write = (v: BencodeValue, depth: number): void => {
    if (depth > DEFAULT_BENCODE_MAX_DEPTH) throw new MediaRelayError('MEDIA_RELAY_ERR_BENCODE_VALUE', `nested deeper than ${DEFAULT_BENCODE_MAX_DEPTH}`);
    if (typeof v === 'string') return text(v);
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v)) throw new MediaRelayError('MEDIA_RELAY_ERR_BENCODE_VALUE', `${v} is not a safe integer`);
      // Object.is: -0 is written as 0, never as the invalid "i-0e".
      return ascii(`i${Object.is(v, -0) ? 0 : v}e`);
    }
    if (v instanceof Uint8Array) return bytes(v);
    if (Array.isArray(v)) {
      ascii('l');
      for (const item of v as readonly BencodeValue[]) write(item, depth + 1);
      return ascii('e');
    }
    const entries = v instanceof Map ? [...(v as ReadonlyMap<string, BencodeValue>).entries()] : plainEntries(v);
    ascii('d');
    for (const [key, item] of entries) {
      if (typeof key !== 'string') throw new MediaRelayError('MEDIA_RELAY_ERR_BENCODE_VALUE', 'a dictionary key must be text');
      text(key);
      write(item, depth + 1);
    }
    ascii('e');
  };
  write(value, 0);
  const out = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

function plainEntries(v: unknown): Array<[string, BencodeValue]> {
  const proto: unknown = typeof v === 'object' && v !== null ? Object.getPrototypeOf(v) : undefined;
  if (proto !== Object.prototype && proto !== null) throw new MediaRelayError('MEDIA_RELAY_ERR_BENCODE_VALUE', 'only plain objects, Maps, arrays, Uint8Arrays, text and safe integers are bencoded');
  // Keys whose value is undefined are left out, as optional keys of a request are.
  return Object.entries(v as Record<string, BencodeValue | undefined>).filter((e): e is [string, BencodeValue] => e[1] !== undefined);
}

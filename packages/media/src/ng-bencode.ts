/**
 * The bencode of rtpengine's ng messages, written and read by the `bencode`
 * package. Around it, what the ng client needs of it: a request is checked
 * before it is written (the package would write a fraction, a boolean or a
 * lone surrogate silently altered), and a reply comes back with its byte
 * strings as text where they are UTF-8 (`result`, `warning`, call-ids) and
 * as bytes otherwise, its dictionaries as `Map`s, and a value instead of an
 * exception when it is not bencode.
 *
 * The package writes a dictionary's keys sorted, as BEP 3 asks (rtpengine
 * does not care about their order), and reads leniently: a truncated string,
 * a leading zero, trailing bytes or a repeated key are read, not refused.
 * Its decoder, as published, loops forever on a string whose length is
 * negative (`-3:`): the workspace applies a one-line patch
 * (`patches/bencode@4.0.1.patch`, pnpm `patchedDependencies`) that refuses
 * such a length, so no datagram can stall the process.
 */
import bencode from 'bencode';
import { MediaRelayError, type MediaRelayErrorCode } from './media-relay-error.js';

/** A value {@link serializeNgValue} writes: text as UTF-8, bytes as they are; a dictionary's keys whose value is undefined are left out. */
export type NgValue =
  | string
  | Uint8Array
  | number
  | readonly NgValue[]
  | ReadonlyMap<string, NgValue>
  | { readonly [key: string]: NgValue | undefined };

/** A value as {@link parseNgValue} reads it: byte strings as text when they are UTF-8 (else bytes), dictionaries as `Map`. */
export type NgReplyValue = string | Uint8Array | number | NgReplyValue[] | Map<string, NgReplyValue>;

/** The outcome of {@link parseNgValue}: a value, or what is wrong. */
export type NgValueParseResult =
  | { readonly ok: true; readonly value: NgReplyValue }
  | { readonly ok: false; readonly error: MediaRelayError };

/** Options of {@link parseNgValue}. */
export interface NgValueParseOptions {
  /** How deep lists and dictionaries may nest. Default {@link NG_MAX_DEPTH}. */
  readonly maxDepth?: number;
}

/** How deep lists and dictionaries may nest, read or written (rtpengine's deepest reply, `query`, nests 6). */
export const NG_MAX_DEPTH = 64;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A lone UTF-16 surrogate: text that has no UTF-8 form. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Writes `value` as bencode. Throws `MEDIA_RELAY_ERR_BENCODE_VALUE` for
 * what bencode cannot carry faithfully: a number that is not a safe integer,
 * text with a lone surrogate, an undefined or null inside a list or a `Map`,
 * anything that is not a plain object, `Map`, array, `Uint8Array`, text or
 * number, or nesting deeper than {@link NG_MAX_DEPTH}.
 */
export function serializeNgValue(value: NgValue): Uint8Array {
  check(value, 0);
  return bencode.encode(value);
}

function refuse(message: string): never {
  throw new MediaRelayError('MEDIA_RELAY_ERR_BENCODE_VALUE', message);
}

function checkText(text: string): void {
  if (LONE_SURROGATE.test(text)) refuse('text with a lone surrogate has no UTF-8 form');
}

function check(value: unknown, depth: number): void {
  if (depth > NG_MAX_DEPTH) refuse(`nested deeper than ${NG_MAX_DEPTH}`);
  if (typeof value === 'string') return checkText(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) refuse(`${value} is not a safe integer`);
    return;
  }
  if (value instanceof Uint8Array) return;
  if (Array.isArray(value)) {
    for (const item of value as readonly unknown[]) check(item, depth + 1);
    return;
  }
  if (value instanceof Map) {
    for (const [key, item] of value as ReadonlyMap<unknown, unknown>) {
      if (typeof key !== 'string') refuse('a dictionary key must be text');
      checkText(key);
      check(item, depth + 1);
    }
    return;
  }
  const proto: unknown = typeof value === 'object' && value !== null ? Object.getPrototypeOf(value) : undefined;
  if (proto !== Object.prototype && proto !== null)
    refuse('only plain objects, Maps, arrays, Uint8Arrays, text and safe integers are bencoded');
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    // Keys whose value is undefined are left out, as optional keys of a request are.
    if (item === undefined) continue;
    checkText(key);
    check(item, depth + 1);
  }
}

class Failure {
  constructor(
    readonly code: MediaRelayErrorCode,
    readonly message: string,
  ) {}
}

/**
 * Reads one bencoded value from `bytes`. Never throws: what the package
 * cannot read, nothing at all, an integer beyond 2^53 or nesting deeper than
 * the limit comes back as a `MEDIA_RELAY_ERR_BENCODE_…` error.
 */
export function parseNgValue(bytes: Uint8Array, options: NgValueParseOptions = {}): NgValueParseResult {
  const maxDepth = options.maxDepth ?? NG_MAX_DEPTH;
  let raw: unknown;
  try {
    raw = bencode.decode(bytes);
  } catch (error) {
    // A RangeError is the decoder's recursion running out of stack: lists or dictionaries nested beyond any limit.
    const code: MediaRelayErrorCode =
      error instanceof RangeError ? 'MEDIA_RELAY_ERR_BENCODE_TOO_DEEP' : 'MEDIA_RELAY_ERR_BENCODE_SYNTAX';
    return {
      ok: false,
      error: new MediaRelayError(code, `not bencode: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      }),
    };
  }
  try {
    if (raw === null || raw === undefined) throw new Failure('MEDIA_RELAY_ERR_BENCODE_TRUNCATED', 'no value');
    return { ok: true, value: read(raw, 0, maxDepth) };
  } catch (error) {
    if (error instanceof Failure) return { ok: false, error: new MediaRelayError(error.code, error.message) };
    throw error;
  }
}

/** The package's decoded value (numbers, `Uint8Array`s, arrays, plain objects) as an {@link NgReplyValue}. */
function read(raw: unknown, depth: number, maxDepth: number): NgReplyValue {
  if (typeof raw === 'number') {
    if (!Number.isSafeInteger(raw)) throw new Failure('MEDIA_RELAY_ERR_BENCODE_INTEGER', 'integer beyond 2^53');
    return raw;
  }
  if (raw instanceof Uint8Array) return textOf(raw) ?? raw;
  if (typeof raw !== 'object' || raw === null)
    throw new Failure('MEDIA_RELAY_ERR_BENCODE_SYNTAX', `a ${typeof raw} is not a bencoded value`);
  if (depth >= maxDepth) throw new Failure('MEDIA_RELAY_ERR_BENCODE_TOO_DEEP', `nested deeper than ${maxDepth}`);
  if (Array.isArray(raw)) return (raw as readonly unknown[]).map((item) => read(item, depth + 1, maxDepth));
  const dictionary = new Map<string, NgReplyValue>();
  for (const [key, item] of Object.entries(raw)) dictionary.set(key, read(item, depth + 1, maxDepth));
  return dictionary;
}

/** `bytes` as text when they are UTF-8, else undefined. */
function textOf(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

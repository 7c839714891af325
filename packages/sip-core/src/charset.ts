/**
 * Character classes of the RFC 3261 §25 grammar as bit flags over ASCII, so
 * the hot loops test a class with one table read instead of a chain of
 * comparisons. Every code unit of 128 and above is in no class.
 */

/** `token` (RFC 3261 §25.1): alphanum and `-.!%*_+\`'~`. */
export const TOKEN = 1;
/** `word` (RFC 3261 §25.1): token characters plus `()<>:\"/[]?{}`. */
export const WORD = 2;
/** `unreserved` (RFC 3261 §25.1): alphanum and the marks `-_.!~*'()`. */
export const UNRESERVED = 4;
/** The characters of a SIP URI `user` besides escapes: unreserved and `&=+$,;?/`. */
export const USER = 8;
/** The characters of a SIP URI `password` besides escapes: unreserved and `&=+$,`. */
export const PASSWORD = 16;
/** `paramchar` besides escapes: unreserved and `[]/:&+$`. */
export const PARAM_CHAR = 32;
/** URI header name and value characters besides escapes: unreserved and `[]/?:+$`. */
export const HEADER_CHAR = 64;
/** `alphanum`. */
export const ALPHANUM = 128;
/** Characters of a host name or IPv4 address: alphanum, `-` and `.`. */
export const HOST_CHAR = 256;
/** Digits 0-9. */
export const DIGIT = 512;
/** Hexadecimal digits. */
export const HEX = 1024;
/** `scheme` characters after the first: alphanum and `+-.`. */
export const SCHEME_CHAR = 2048;

/** The class table: `CLASS[code] & FLAG` tests membership for codes below 128. */
export const CLASS: Uint16Array = buildTable();

function buildTable(): Uint16Array {
  const table = new Uint16Array(128);
  const add = (chars: string, flag: number): void => {
    for (let i = 0; i < chars.length; i++) table[chars.charCodeAt(i)]! |= flag;
  };
  let alnum = '';
  for (let c = 48; c <= 57; c++) alnum += String.fromCharCode(c);
  const digits = alnum;
  for (let c = 65; c <= 90; c++) alnum += String.fromCharCode(c) + String.fromCharCode(c + 32);
  const mark = "-_.!~*'()";
  const unreserved = alnum + mark;
  add(alnum, ALPHANUM);
  add(digits, DIGIT);
  add(digits + 'abcdefABCDEF', HEX);
  add(alnum + "-.!%*_+`'~", TOKEN);
  add(alnum + "-.!%*_+`'~" + '()<>:\\"/[]?{}', WORD);
  add(unreserved, UNRESERVED);
  add(unreserved + '&=+$,;?/', USER);
  add(unreserved + '&=+$,', PASSWORD);
  add(unreserved + '[]/:&+$', PARAM_CHAR);
  add(unreserved + '[]/?:+$', HEADER_CHAR);
  add(alnum + '-.', HOST_CHAR);
  add(alnum + '+-.', SCHEME_CHAR);
  return table;
}

/** True when the code unit `c` belongs to the class `flag`. */
export function isIn(c: number, flag: number): boolean {
  return c < 128 && (CLASS[c]! & flag) !== 0;
}

/** True when every code unit of `s` from `start` to `end` is in `flag` and the range is not empty. */
export function allIn(s: string, start: number, end: number, flag: number): boolean {
  if (start >= end) return false;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || (CLASS[c]! & flag) === 0) return false;
  }
  return true;
}

/** True when `s` is a non-empty RFC 3261 token. */
export function isToken(s: string): boolean {
  return allIn(s, 0, s.length, TOKEN);
}

/** Skips spaces and horizontal tabs from `i`, returning the first other index (or `end`). */
export function skipWs(s: string, i: number, end: number): number {
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9) break;
    i++;
  }
  return i;
}

/** Steps back over spaces and tabs before `end`, returning the new end (never below `start`). */
export function trimWsEnd(s: string, start: number, end: number): number {
  while (end > start) {
    const c = s.charCodeAt(end - 1);
    if (c !== 32 && c !== 9) break;
    end--;
  }
  return end;
}

/**
 * Checks an escaped run: every `%` is followed by two hex digits and every
 * other code unit is in `flag`. Returns false on an empty range when
 * `allowEmpty` is false.
 */
export function isEscapedRun(s: string, start: number, end: number, flag: number, allowEmpty = false): boolean {
  if (start >= end) return allowEmpty;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 37) {
      const h1 = s.charCodeAt(i + 1);
      const h2 = s.charCodeAt(i + 2);
      if (i + 2 >= end || !isIn(h1, HEX) || !isIn(h2, HEX)) return false;
      i += 2;
      continue;
    }
    if (c >= 128 || (CLASS[c]! & flag) === 0) return false;
  }
  return true;
}

/** Parses a run of ASCII digits as a non-negative integer, or -1 when the range is empty, not digits, or above `max`. */
export function parseDigits(s: string, start: number, end: number, max: number): number {
  if (start >= end) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
    if (value > max) return -1;
  }
  return value;
}

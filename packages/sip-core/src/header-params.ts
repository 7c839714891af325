import { CLASS, TOKEN } from './charset.js';
import { HEADER_PARAM } from './grammar.js';
import { isIPv6 } from './host.js';

/**
 * Finds the end of the quoted-string that opens at `s[start]` (a `"`),
 * returning the index just after the closing quote, or -1 when the string is
 * unterminated or holds a character the RFC 3261 §25.1 `quoted-string` rule
 * refuses (a bare control character, or an escaped CR or LF).
 * @internal
 */
export function endOfQuoted(s: string, start: number, end: number): number {
  for (let i = start + 1; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 34) return i + 1;
    if (c === 92) {
      // quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F)
      const next = s.charCodeAt(i + 1);
      if (i + 1 >= end || next === 10 || next === 13 || next > 127) return -1;
      i++;
      continue;
    }
    if ((c < 32 && c !== 9) || c === 127) return -1;
  }
  return -1;
}

/** Removes the quotes and the quoted-pair escapes of a quoted-string; returns other text unchanged. */
export function unquote(value: string): string {
  if (value.length < 2 || value.charCodeAt(0) !== 34 || value.charCodeAt(value.length - 1) !== 34) return value;
  const inner = value.slice(1, -1);
  return inner.indexOf('\\') < 0 ? inner : inner.replace(/\\([\s\S])/g, '$1');
}

/** Quotes `text` as a quoted-string, escaping `"` and `\`. */
export function quote(text: string): string {
  return '"' + text.replace(/(["\\])/g, '\\$1') + '"';
}

/**
 * Parses `*( SEMI generic-param )` from `p`, pushing name and value (a string
 * as written, quotes kept, or null for a flag) onto `flat`. Returns the index
 * after the last parameter and any trailing whitespace, or -1 on a malformed
 * parameter. With `bareIPv6`, a value may also be an IPv6 address without
 * brackets (RFC 5118 §4.5, Via `received`).
 * @internal
 */
export function parseHeaderParams(
  s: string,
  p: number,
  end: number,
  flat: Array<string | null>,
  bareIPv6 = false,
): number {
  for (;;) {
    while (p < end && (s.charCodeAt(p) === 32 || s.charCodeAt(p) === 9)) p++;
    if (p >= end || s.charCodeAt(p) !== 59) return p;
    p++;
    while (p < end && (s.charCodeAt(p) === 32 || s.charCodeAt(p) === 9)) p++;
    const nameStart = p;
    while (p < end) {
      const c = s.charCodeAt(p);
      if (c >= 128 || (CLASS[c]! & TOKEN) === 0) break;
      p++;
    }
    if (p === nameStart) return -1;
    const name = s.slice(nameStart, p);
    let r = p;
    while (r < end && (s.charCodeAt(r) === 32 || s.charCodeAt(r) === 9)) r++;
    if (r < end && s.charCodeAt(r) === 61) {
      r++;
      while (r < end && (s.charCodeAt(r) === 32 || s.charCodeAt(r) === 9)) r++;
      const valueStart = r;
      const c0 = s.charCodeAt(r);
      if (c0 === 34) {
        r = endOfQuoted(s, r, end);
        if (r < 0) return -1;
      } else if (c0 === 91) {
        const close = s.indexOf(']', r);
        if (close < 0 || close >= end || !isIPv6(s, r + 1, close)) return -1;
        r = close + 1;
      } else {
        while (r < end) {
          const c = s.charCodeAt(r);
          if (c >= 128 || ((CLASS[c]! & TOKEN) === 0 && !(bareIPv6 && c === 58))) break;
          r++;
        }
        if (r === valueStart) return -1;
      }
      flat.push(name, s.slice(valueStart, r));
      p = r;
    } else {
      flat.push(name, null);
    }
  }
}

/**
 * Splits header parameter text that the grammar has already checked
 * (`;a=b ; c ;d="x y"`) into flat name/value storage.
 * @internal
 */
export function splitHeaderParams(text: string, flat: Array<string | null>): void {
  HEADER_PARAM.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = HEADER_PARAM.exec(text)) !== null) {
    flat.push(m[1] as string, m[2] ?? null);
    if (HEADER_PARAM.lastIndex === text.length) break;
  }
}

import { CLASS, TOKEN } from './charset.js';
import {
  WELL_KNOWN_KEYS,
  WELL_KNOWN_NAMES,
  canonicalHeaderName,
  knownHeaderKey,
  wellKnownHeader,
} from './header-names.js';
import type { ParseLimits } from './limits.js';
import type { ParseResult } from './parse-result.js';
import { noHeaderEnd, type ParseState } from './parse-state.js';

/**
 * Splits the header section into names and values (RFC 3261 §7.3), unfolding
 * continuation lines. When the head runs on into the body, it stops at the
 * empty line and records where that is.
 * @internal
 */
export function splitHeaders(state: ParseState, pos: number, limits: ParseLimits): ParseResult | undefined {
  const head = state.head;
  const end = head.length;
  const { names, keys, values } = state;
  const { maxHeaders, maxHeaderLength } = limits;
  while (pos < end) {
    const first = head.charCodeAt(pos);
    if (first === 13 && head.charCodeAt(pos + 1) === 10) {
      // The empty line: the head ends here (only when `head` runs on into the body).
      state.headLength = pos;
      return undefined;
    }
    let nl = head.indexOf('\n', pos);
    if (head.charCodeAt(nl - 1) !== 13 || head.indexOf('\r', pos) !== nl - 1) {
      return state.fail('SIP_ERR_BAD_HEADER_LINE', 'a header line holds a bare CR or LF', pos);
    }
    if (first === 32 || first === 9)
      return state.fail('SIP_ERR_BAD_HEADER_LINE', 'a continuation line follows no header field', pos);
    let folded = false;
    let c = head.charCodeAt(nl + 1);
    while (c === 32 || c === 9) {
      folded = true;
      const next = head.indexOf('\n', nl + 1);
      if (head.charCodeAt(next - 1) !== 13 || head.indexOf('\r', nl + 1) !== next - 1) {
        return state.fail('SIP_ERR_BAD_HEADER_LINE', 'a header line holds a bare CR or LF', nl + 1);
      }
      nl = next;
      c = head.charCodeAt(nl + 1);
    }
    const fieldEnd = nl - 1;
    if (fieldEnd - pos > maxHeaderLength) {
      return state.fail('SIP_ERR_HEADER_LINE_TOO_LONG', `a header field is over ${maxHeaderLength} bytes`, pos);
    }
    if (names.length >= maxHeaders)
      return state.fail('SIP_ERR_TOO_MANY_HEADERS', `more than ${maxHeaders} header fields`, pos);
    const colon = head.indexOf(':', pos);
    if (colon < 0 || colon > fieldEnd) return state.fail('SIP_ERR_BAD_HEADER_LINE', 'a header line has no colon', pos);
    let nameEnd = colon;
    while (nameEnd > pos && (head.charCodeAt(nameEnd - 1) === 32 || head.charCodeAt(nameEnd - 1) === 9)) nameEnd--;
    const name = head.slice(pos, nameEnd);
    const known = wellKnownHeader(name);
    if (known >= 0) {
      names.push(WELL_KNOWN_NAMES[known] as string);
      keys.push(WELL_KNOWN_KEYS[known] as string);
    } else {
      let key = knownHeaderKey(name);
      if (key === undefined) {
        for (let i = pos; i < nameEnd; i++) {
          const c = head.charCodeAt(i);
          if (c >= 128 || (CLASS[c]! & TOKEN) === 0)
            return state.fail('SIP_ERR_BAD_HEADER_LINE', 'a header name is not a token', i);
        }
        if (nameEnd === pos) return state.fail('SIP_ERR_BAD_HEADER_LINE', 'a header name is empty', pos);
        key = canonicalHeaderName(name);
      }
      names.push(name);
      keys.push(key);
    }
    // Usually one space after the colon and none at the end: test for that before looping.
    let valueStart = colon + 1;
    if (head.charCodeAt(valueStart) === 32) valueStart++;
    c = head.charCodeAt(valueStart);
    while (valueStart < fieldEnd && (c === 32 || c === 9 || c === 13 || c === 10)) c = head.charCodeAt(++valueStart);
    let valueEnd = fieldEnd;
    c = head.charCodeAt(valueEnd - 1);
    while (valueEnd > valueStart && (c === 32 || c === 9)) c = head.charCodeAt(--valueEnd - 1);
    values.push(folded ? unfold(head.slice(valueStart, fieldEnd)) : head.slice(valueStart, valueEnd));
    pos = nl + 1;
  }
  // Out of text without an empty line; the caller reports that.
  return state.whole ? noHeaderEnd(state.start + end) : undefined;
}

/**
 * RFC 3261 §7.3.1: a line break followed by whitespace is equivalent to one
 * space. The value is unfolded before its end is trimmed, so that a fold of
 * whitespace only at the end leaves nothing behind. A loop rather than a
 * regular expression: `[ \t]*\r\n` tried at every space of a long run would
 * take time quadratic in the run.
 */
function unfold(raw: string): string {
  let out = '';
  let from = 0;
  for (let crlf = raw.indexOf('\r\n'); crlf >= 0; crlf = raw.indexOf('\r\n', from)) {
    let before = crlf;
    while (before > from && isSpaceOrTab(raw.charCodeAt(before - 1))) before--;
    out += raw.slice(from, before) + ' ';
    from = crlf + 2;
    while (from < raw.length && isSpaceOrTab(raw.charCodeAt(from))) from++;
  }
  out += raw.slice(from);
  let end = out.length;
  while (end > 0 && isSpaceOrTab(out.charCodeAt(end - 1))) end--;
  return end === out.length ? out : out.slice(0, end);
}

function isSpaceOrTab(c: number): boolean {
  return c === 32 || c === 9;
}

/**
 * @internal Where the value of header field `index` starts in the head. Only
 * errors need it, so it walks the lines again rather than every parse keeping it.
 */
export function valueOffset(state: ParseState, index: number): number {
  const head = state.head;
  let pos = head.indexOf('\r\n') + 2;
  for (let i = 0; i < index; i++) {
    let nl = head.indexOf('\n', pos);
    while (head.charCodeAt(nl + 1) === 32 || head.charCodeAt(nl + 1) === 9) nl = head.indexOf('\n', nl + 1);
    pos = nl + 1;
  }
  let nl = head.indexOf('\n', pos);
  while (head.charCodeAt(nl + 1) === 32 || head.charCodeAt(nl + 1) === 9) nl = head.indexOf('\n', nl + 1);
  let valueStart = head.indexOf(':', pos) + 1;
  while (valueStart < nl - 1 && isLineSpace(head.charCodeAt(valueStart))) valueStart++;
  return valueStart;
}

function isLineSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10;
}

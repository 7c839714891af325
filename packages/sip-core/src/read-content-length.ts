/**
 * The one thing a stream framer must read from a message head before it can
 * parse the message: its Content-Length (RFC 3261 §18.3), found by a small
 * scan of the head's bytes.
 */
import type { SipErrorCode } from './errors.js';

const CR = 13;
const LF = 10;
const MAX_CONTENT_LENGTH = 0x7fffffff;

/** Why the end of a message on a stream cannot be known. */
export interface FramingProblem {
  readonly code: SipErrorCode;
  readonly message: string;
  /** Offset in the head of the field at fault, or the head's length when the field is missing. */
  readonly offset: number;
}

const CONTENT_LENGTH = 'content-length';

/** True when `head[start, end)` is `Content-Length` or its compact form `l`, in any case (RFC 3261 §7.3.1, §7.3.3). */
function isContentLengthName(head: Buffer, start: number, end: number): boolean {
  const length = end - start;
  if (length === 1) return (head[start]! | 32) === 108;
  if (length !== CONTENT_LENGTH.length) return false;
  for (let i = 0; i < length; i++) {
    const want = CONTENT_LENGTH.charCodeAt(i);
    const c = head[start + i]!;
    if (want === 45 ? c !== 45 : (c | 32) !== want) return false;
  }
  return true;
}

/**
 * Finds the Content-Length of a message head (start line through the empty
 * line) by a scan of its own, so the body can be awaited before the message
 * is parsed. Folded values are followed (RFC 3261 §7.3.1). Several
 * Content-Length fields that agree give their value (the parser then refuses
 * the message alone); fields that disagree, an unreadable value, or none at
 * all leave the end of the message unknowable.
 * @internal
 */
export function readContentLength(head: Buffer): number | FramingProblem {
  const end = head.length - 2;
  let found = -1;
  // Skip the start line: Content-Length is a header field.
  let p = head.indexOf(LF);
  p = p < 0 ? end : p + 1;
  while (p < end) {
    let lineEnd = head.indexOf(LF, p);
    if (lineEnd < 0 || lineEnd > end) lineEnd = end;
    let nameEnd = p;
    while (nameEnd < lineEnd && head[nameEnd] !== 58 && head[nameEnd] !== 32 && head[nameEnd] !== 9) nameEnd++;
    let colon = nameEnd;
    while (colon < lineEnd && (head[colon] === 32 || head[colon] === 9)) colon++;
    if (head[colon] !== 58 || colon >= lineEnd || !isContentLengthName(head, p, nameEnd)) {
      p = lineEnd + 1;
      continue;
    }
    // 1*DIGIT with whitespace (and folds, which are whitespace) around it.
    let value = 0;
    let digits = 0;
    let afterDigits = false;
    let bad = false;
    let q = colon + 1;
    for (;;) {
      if (q >= end) break;
      const c = head[q]!;
      if (c === CR || c === LF) {
        // A line break is part of this field only when whitespace starts the next line.
        const next = c === CR && head[q + 1] === LF ? q + 2 : q + 1;
        if (next < end && (head[next] === 32 || head[next] === 9)) {
          if (digits > 0) afterDigits = true;
          q = next;
          continue;
        }
        q = next;
        break;
      }
      if (c >= 48 && c <= 57) {
        if (afterDigits) bad = true;
        value = value * 10 + (c - 48);
        digits++;
        if (value > MAX_CONTENT_LENGTH) bad = true;
      } else if (c === 32 || c === 9) {
        if (digits > 0) afterDigits = true;
      } else {
        bad = true;
      }
      q++;
    }
    if (bad || digits === 0) {
      return {
        code: 'SIP_ERR_BAD_CONTENT_LENGTH',
        message: 'the Content-Length is not a length, so the end of the message is unknown',
        offset: p,
      };
    }
    if (found >= 0 && found !== value) {
      return {
        code: 'SIP_ERR_DUPLICATE_HEADER',
        message: `two Content-Length fields disagree (${found} and ${value}), so the end of the message is unknown`,
        offset: p,
      };
    }
    found = value;
    p = q;
  }
  if (found < 0) {
    return {
      code: 'SIP_ERR_MISSING_CONTENT_LENGTH',
      message: 'a message on a stream transport has no Content-Length, so its end is unknown (RFC 3261 §18.3)',
      offset: head.length,
    };
  }
  return found;
}

import { CLASS, TOKEN, parseDigits } from './charset.js';
import { endOfQuoted } from './header-params.js';

/** The largest delta-seconds value accepted (2³²−1, RFC 3261 §25.1 and RFC 4475 §3.1.2.4). */
export const MAX_DELTA_SECONDS = 4294967295;

/** A CSeq value (RFC 3261 §20.16). */
export interface CSeq {
  /** Sequence number, from 0 to 2³²−1. */
  readonly seq: number;
  readonly method: string;
}

function isWs(c: number): boolean {
  return c === 32 || c === 9;
}

/**
 * Parses `1*DIGIT LWS Method`; the number must fit in 32 bits. Returns
 * undefined when malformed.
 * @internal
 */
export function parseCSeq(s: string): CSeq | undefined {
  const end = s.length;
  let p = 0;
  while (p < end && s.charCodeAt(p) >= 48 && s.charCodeAt(p) <= 57) p++;
  const seq = parseDigits(s, 0, p, MAX_DELTA_SECONDS);
  if (seq < 0 || p === end || !isWs(s.charCodeAt(p))) return undefined;
  while (p < end && isWs(s.charCodeAt(p))) p++;
  const methodStart = p;
  while (p < end) {
    const c = s.charCodeAt(p);
    if (c >= 128 || (CLASS[c]! & TOKEN) === 0) return undefined;
    p++;
  }
  if (p === methodStart) return undefined;
  return { seq, method: s.slice(methodStart) };
}

/** Serializes a CSeq value. */
export function serializeCSeq(cseq: CSeq): string {
  return cseq.seq + ' ' + cseq.method;
}

/**
 * `word [ "@" word ]` (RFC 3261 §25.1): the `word` class holds no `@`, so the
 * match is linear; a native match costs less than a loop over the characters.
 */
const CALL_ID = /^[A-Za-z0-9\-.!%*_+`'~()<>:\\"/[\]?{}]+(?:@[A-Za-z0-9\-.!%*_+`'~()<>:\\"/[\]?{}]+)?$/;

/**
 * True when `s` is a Call-ID: `word [ "@" word ]` (RFC 3261 §25.1).
 * @internal
 */
export function isCallId(s: string): boolean {
  return CALL_ID.test(s);
}

/** Parses `1*DIGIT` up to `max`, or -1. */
export function parseNumber(s: string, max: number): number {
  return parseDigits(s, 0, s.length, max);
}

/**
 * Checks Retry-After: `delta-seconds [ comment ] *( SEMI retry-param )`
 * (RFC 3261 §20.33), returning the seconds or -1 when malformed.
 * @internal
 */
export function parseRetryAfter(s: string): number {
  const end = s.length;
  let p = 0;
  while (p < end && s.charCodeAt(p) >= 48 && s.charCodeAt(p) <= 57) p++;
  const seconds = parseDigits(s, 0, p, MAX_DELTA_SECONDS);
  if (seconds < 0) return -1;
  while (p < end && isWs(s.charCodeAt(p))) p++;
  if (s.charCodeAt(p) === 40) {
    // comment = LPAREN *(ctext / quoted-pair / comment) RPAREN
    let depth = 0;
    for (; p < end; p++) {
      const c = s.charCodeAt(p);
      if (c === 92) p++;
      else if (c === 40) depth++;
      else if (c === 41 && --depth === 0) break;
    }
    if (depth !== 0) return -1;
    p++;
    while (p < end && isWs(s.charCodeAt(p))) p++;
  }
  if (p < end && s.charCodeAt(p) !== 59) return -1;
  return seconds;
}

/**
 * Checks a Warning value: a list of `warn-code SP warn-agent SP warn-text`
 * with a three-digit code (RFC 3261 §20.43).
 * @internal
 */
export function isWarning(s: string): boolean {
  const end = s.length;
  let p = 0;
  for (;;) {
    while (p < end && isWs(s.charCodeAt(p))) p++;
    for (let k = 0; k < 3; k++, p++) {
      const c = s.charCodeAt(p);
      if (!(c >= 48 && c <= 57)) return false;
    }
    if (!isWs(s.charCodeAt(p))) return false;
    while (p < end && isWs(s.charCodeAt(p))) p++;
    const agentStart = p;
    while (p < end && !isWs(s.charCodeAt(p))) p++;
    if (p === agentStart || p === end) return false;
    while (p < end && isWs(s.charCodeAt(p))) p++;
    if (s.charCodeAt(p) !== 34) return false;
    p = endOfQuoted(s, p, end);
    if (p < 0) return false;
    while (p < end && isWs(s.charCodeAt(p))) p++;
    if (p === end) return true;
    if (s.charCodeAt(p) !== 44) return false;
    p++;
  }
}

const DATE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d\d) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d\d):(\d\d):(\d\d) GMT$/;

/**
 * Parses a Date value: an RFC 1123 date whose zone is `GMT`, the only one
 * RFC 3261 §20.17 allows. Returns milliseconds since the epoch, or
 * undefined when malformed.
 * @internal
 */
export function parseSipDate(s: string): number | undefined {
  const m = DATE.exec(s);
  if (m === null) return undefined;
  const time = Date.UTC(
    Number(m[4]),
    'JanFebMarAprMayJunJulAugSepOctNovDec'.indexOf(m[3] as string) / 3,
    Number(m[2]),
    Number(m[5]),
    Number(m[6]),
    Number(m[7]),
  );
  const check = new Date(time);
  if (check.getUTCDate() !== Number(m[2]) || Number(m[5]) > 23 || Number(m[6]) > 59 || Number(m[7]) > 60)
    return undefined;
  return time;
}

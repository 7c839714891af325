/**
 * What a "parse + read" pass reads from a message, and the checksum that keeps
 * those reads alive.
 *
 * Every contender reads the same fields in the same order, each through its own
 * API, and folds them into a 32-bit checksum. The timed loop adds the checksums
 * up and the harness checks the total against the one the verification pass
 * predicted, so a read that the JIT dropped, or a parse that silently failed
 * mid-run, would show up as a mismatch rather than as a fast figure.
 */

/** Folds a string into the checksum: its length and its last character. */
export function mixString(hash: number, value: string | undefined): number {
  if (value === undefined) return (Math.imul(hash, 31) + 1) | 0;
  const length = value.length;
  const last = length === 0 ? 0 : value.charCodeAt(length - 1);
  return (Math.imul(hash, 31) + length * 7 + last) | 0;
}

/** Folds a number into the checksum; `undefined` and `NaN` count as 0. */
export function mixNumber(hash: number, value: number | undefined): number {
  return (Math.imul(hash, 31) + ((value ?? 0) | 0)) | 0;
}

/** One Via as every contender reports it. */
export interface ViaSummary {
  readonly transport: string | undefined;
  readonly host: string | undefined;
  readonly port: number | undefined;
  readonly branch: string | undefined;
}

/**
 * The fields read in "parse + read" mode, in the order they are read.
 * A Contact `*` reports its host as `'*'`.
 */
export interface MessageSummary {
  readonly callId: string | undefined;
  readonly cseqSeq: number | undefined;
  readonly cseqMethod: string | undefined;
  readonly fromHost: string | undefined;
  readonly fromTag: string | undefined;
  readonly toHost: string | undefined;
  readonly toTag: string | undefined;
  readonly via: readonly ViaSummary[];
  readonly contactHosts: readonly (string | undefined)[];
  readonly routeHosts: readonly (string | undefined)[];
  readonly recordRouteHosts: readonly (string | undefined)[];
}

/** The checksum a contender's `parseAndRead` must return for a message with this summary. */
export function checksumSummary(summary: MessageSummary): number {
  let h = 0;
  h = mixString(h, summary.callId);
  h = mixNumber(h, summary.cseqSeq);
  h = mixString(h, summary.cseqMethod);
  h = mixString(h, summary.fromHost);
  h = mixString(h, summary.fromTag);
  h = mixString(h, summary.toHost);
  h = mixString(h, summary.toTag);
  for (const via of summary.via) {
    h = mixString(h, via.transport);
    h = mixString(h, via.host);
    h = mixNumber(h, via.port);
    h = mixString(h, via.branch);
  }
  for (const host of summary.contactHosts) h = mixString(h, host);
  for (const host of summary.routeHosts) h = mixString(h, host);
  for (const host of summary.recordRouteHosts) h = mixString(h, host);
  return h;
}

/**
 * Differences between two summaries of the same message, as readable lines.
 * Transports and hosts compare case-insensitively, ports treat absent as 0.
 */
export function compareSummaries(reference: MessageSummary, other: MessageSummary): string[] {
  const differences: string[] = [];
  const text = (value: string | undefined): string => (value === undefined ? '(none)' : JSON.stringify(value));
  const sameText = (a: string | undefined, b: string | undefined, ignoreCase: boolean): boolean =>
    ignoreCase ? (a ?? '').toLowerCase() === (b ?? '').toLowerCase() : (a ?? '') === (b ?? '');
  const field = (name: string, a: string | undefined, b: string | undefined, ignoreCase = false): void => {
    if (!sameText(a, b, ignoreCase)) differences.push(`${name}: ${text(b)} (expected ${text(a)})`);
  };
  const number = (name: string, a: number | undefined, b: number | undefined): void => {
    if (((a ?? 0) | 0) !== ((b ?? 0) | 0)) differences.push(`${name}: ${String(b)} (expected ${String(a)})`);
  };
  field('Call-ID', reference.callId, other.callId);
  number('CSeq number', reference.cseqSeq, other.cseqSeq);
  field('CSeq method', reference.cseqMethod, other.cseqMethod);
  field('From host', reference.fromHost, other.fromHost, true);
  field('From tag', reference.fromTag, other.fromTag);
  field('To host', reference.toHost, other.toHost, true);
  field('To tag', reference.toTag, other.toTag);
  if (reference.via.length !== other.via.length) {
    differences.push(`Via count: ${other.via.length} (expected ${reference.via.length})`);
  }
  const vias = Math.min(reference.via.length, other.via.length);
  for (let i = 0; i < vias; i++) {
    const a = reference.via[i];
    const b = other.via[i];
    if (a === undefined || b === undefined) continue;
    field(`Via[${i}] transport`, a.transport, b.transport, true);
    field(`Via[${i}] host`, a.host, b.host, true);
    number(`Via[${i}] port`, a.port, b.port);
    field(`Via[${i}] branch`, a.branch, b.branch);
  }
  const hosts = (name: string, a: readonly (string | undefined)[], b: readonly (string | undefined)[]): void => {
    if (a.length !== b.length) {
      differences.push(`${name} count: ${b.length} (expected ${a.length})`);
      return;
    }
    for (let i = 0; i < a.length; i++) field(`${name}[${i}] host`, a[i], b[i], true);
  };
  hosts('Contact', reference.contactHosts, other.contactHosts);
  hosts('Route', reference.routeHosts, other.routeHosts);
  hosts('Record-Route', reference.recordRouteHosts, other.recordRouteHosts);
  return differences;
}

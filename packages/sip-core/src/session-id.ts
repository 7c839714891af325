import { parseHeaderParams } from './header-params.js';
import { Params } from './params.js';
import { randomUuidHex } from './random-hex.js';

/** A Session-ID value (RFC 7989 §4). */
export interface SessionId {
  /** The UUID of the sender's side: 32 lower-case hex digits. */
  readonly local: string;
  /** The `remote` parameter: the UUID of the other side, or undefined when absent. */
  readonly remote: string | undefined;
  readonly params: Params;
}

const UUID = /^[0-9a-fA-F]{32}$/;

/**
 * Parses `sess-id *( SEMI generic-param )` (RFC 7989 §9). Hex digits are
 * compared case-insensitively, so they are kept in lower case.
 * @internal
 */
export function parseSessionId(s: string): SessionId | undefined {
  let end = 0;
  while (end < s.length && s.charCodeAt(end) !== 59 && s.charCodeAt(end) !== 32 && s.charCodeAt(end) !== 9) end++;
  const local = s.slice(0, end);
  if (!UUID.test(local)) return undefined;
  let params = Params.EMPTY;
  if (end < s.length) {
    const flat: Array<string | null> = [];
    if (parseHeaderParams(s, end, s.length, flat) !== s.length) return undefined;
    params = new Params(flat);
  }
  const remote = params.get('remote');
  if (remote === null || (remote !== undefined && !UUID.test(remote))) return undefined;
  return { local: local.toLowerCase(), remote: remote?.toLowerCase(), params };
}

/** Serializes a Session-ID value. */
export function serializeSessionId(value: Pick<SessionId, 'local' | 'params'>): string {
  return value.local + value.params.toString(';');
}

/** The RFC 7989 §4 null UUID, for the `remote` of a Session-ID the other side has not set yet. */
export const NULL_SESSION_UUID = '00000000000000000000000000000000';

/** A new Session-ID UUID: 32 lower-case hex digits (RFC 7989 §4). */
export function createSessionUuid(): string {
  return randomUuidHex();
}

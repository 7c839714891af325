/**
 * The Session-ID (RFC 7989) a dialog or INVITE writes on what it sends, as
 * plain data: the UUID of the side the message speaks for (`local`) and the
 * UUID of the side it goes to (`remote`). Plain strings only, so that a
 * dialog lingering after its call keeps no call object alive.
 */

/** The two UUIDs of a Session-ID value, from the sender's point of view (RFC 7989 §4). */
export interface SessionUuids {
  /** The UUID of the side the message speaks for. */
  readonly local: string;
  /** The UUID of the side it goes to; the null UUID while unknown. */
  readonly remote: string;
}

/** `local;remote=remote`, the Session-ID header value (RFC 7989 §5). */
export function sessionIdValue(uuids: SessionUuids): string {
  return `${uuids.local};remote=${uuids.remote}`;
}

/** Whether a header list already carries a Session-ID (names compared case-insensitively). */
function hasSessionId(headers: ReadonlyArray<readonly [string, string]>): boolean {
  for (const [name] of headers) if (name.toLowerCase() === 'session-id') return true;
  return false;
}

/**
 * `headers` with a Session-ID of `uuids` appended when they carry none.
 * One they carry is kept as it is: RFC 7989 §7 lets an intermediary add
 * the header for an endpoint that did not, never change an endpoint's own.
 */
export function withSessionId(
  headers: ReadonlyArray<readonly [string, string]> | undefined,
  uuids: SessionUuids | undefined,
): ReadonlyArray<readonly [string, string]> | undefined {
  if (uuids === undefined || (headers !== undefined && hasSessionId(headers))) return headers;
  return [...(headers ?? []), ['Session-ID', sessionIdValue(uuids)]];
}

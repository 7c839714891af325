/**
 * Which Session-ID (RFC 7989) each leg of a B2BUA call writes, and which
 * UUID the B2BUA learns from what a leg's endpoint sends. RFC 7989 asks an
 * intermediary never to change the UUIDs an endpoint wrote and, for an
 * endpoint that wrote none, to assign a UUID that stands for it and write
 * that on everything said on its behalf (§7); the `remote` UUID is the
 * other side's once known, the null UUID until then (§4, §6). The header
 * codec and the mechanism that writes the value on what a dialog sends are
 * sip-core's (`serializeSessionId`, `withSessionId`, `Dialog.sessionId`);
 * what follows only decides the UUIDs.
 */
import { NULL_SESSION_UUID, sessionIdValue, type SessionUuids, type SipMessage } from '@sipbreakout/sip-core';

/**
 * What the policy reads of a leg: the UUID its peer sent, and the one the
 * B2BUA sends on it (made on first use). A `Leg` is one; the policy
 * names only these two members so that `leg.ts` can use the policy.
 */
export interface SessionUuidHolder {
  readonly sessionUuid: string | undefined;
  ensureSessionUuid(): string;
}

/**
 * The UUID the sender of `message` gave itself, when it is one to learn
 * (RFC 7989 §6, §7): the `local` of a valid Session-ID other than the null
 * UUID, on a request other than CANCEL (whose value is the cancelled
 * request's, §6) and on a response other than a non-2xx final one (after
 * a failed exchange the stored UUID stays, §6). A malformed value is
 * ignored.
 */
export function senderSessionUuid(message: SipMessage): string | undefined {
  if (message.kind === 'request' ? message.method === 'CANCEL' : message.status >= 300) return undefined;
  if (!message.headers.has('Session-ID')) return undefined;
  let local: string | undefined;
  try {
    local = message.sessionId?.local;
  } catch {
    return undefined;
  }
  return local === undefined || local === NULL_SESSION_UUID ? undefined : local;
}

/**
 * What the caller's INVITE writes while the call is set up: it speaks for
 * the outgoing leg whose response the caller got last (`facing`; the null
 * UUID before any, as for a response of the B2BUA's own), to the caller.
 */
export function towardCaller(facing: SessionUuidHolder | undefined, caller: string): SessionUuids {
  return { local: facing?.sessionUuid ?? NULL_SESSION_UUID, remote: caller };
}

/** What an outgoing leg's INVITE writes: it speaks for the caller, to that leg's endpoint (its UUID once known). */
export function towardCallee(caller: string, callee: SessionUuidHolder): SessionUuids {
  return { local: caller, remote: callee.sessionUuid ?? NULL_SESSION_UUID };
}

/**
 * What a leg of two joined legs writes: it speaks for the other leg's
 * endpoint (its UUID, or one assigned now to stand for it) to this leg's
 * (its UUID once known, else the null UUID).
 */
export function onPairedLeg(leg: SessionUuidHolder, other: SessionUuidHolder): SessionUuids {
  return { local: other.ensureSessionUuid(), remote: leg.sessionUuid ?? NULL_SESSION_UUID };
}

/**
 * The Session-ID value added to a response of `from` relayed to the caller
 * when its endpoint wrote none (§7): a UUID assigned to stand for that
 * endpoint, to the caller.
 */
export function assignedForResponse(from: SessionUuidHolder, caller: string): string {
  return sessionIdValue({ local: from.ensureSessionUuid(), remote: caller });
}

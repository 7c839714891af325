/**
 * Transaction matching keys (RFC 3261 §17.1.3 and §17.2.3).
 */
import type { SipRequest, SipResponse } from '../message.js';
import { serializeUri } from '../uri.js';
import { BRANCH_MAGIC_COOKIE, serializeVia } from '../via.js';

/**
 * The key of a client transaction: the top Via branch and the CSeq method
 * (§17.1.3: a CANCEL shares the INVITE's branch, so the method tells them
 * apart). Undefined when the message has no top Via branch.
 */
export function clientKeyOf(message: SipRequest | SipResponse): string | undefined {
  const branch = message.via[0]?.branch;
  if (branch === undefined) return undefined;
  return branch + '\u0000' + message.cseq.method;
}

/**
 * The key of the server transaction a request belongs to (§17.2.3).
 *
 * With the magic cookie: the branch, the top Via sent-by and the method, an
 * ACK counting as INVITE. Without it (RFC 2543 peers): Request-URI, From
 * tag, Call-ID, CSeq number and method (ACK as INVITE) and the whole top
 * Via. The To tag is left out of the RFC 2543 key because the INVITE has
 * none and its ACK carries ours; the driver compares it on match.
 * Undefined when the request has no Via.
 */
export function serverKeyOf(request: SipRequest, methodOverride?: string): string | undefined {
  const top = request.via[0];
  if (top === undefined) return undefined;
  const method = methodOverride ?? (request.method === 'ACK' ? 'INVITE' : request.method);
  const branch = top.branch;
  if (branch !== undefined && branch.startsWith(BRANCH_MAGIC_COOKIE)) {
    return branch + '\u0000' + top.host.toLowerCase() + ':' + (top.port ?? '') + '\u0000' + method;
  }
  // §17.2.3: the RFC 2543 procedure.
  return [
    '2543',
    serializeUri(request.uri),
    request.from.tag ?? '',
    request.callId,
    String(request.cseq.seq),
    method,
    serializeVia(top),
  ].join('\u0000');
}

/** True when the top Via branch starts with the RFC 3261 magic cookie. */
export function hasMagicCookie(request: SipRequest): boolean {
  return request.via[0]?.branch?.startsWith(BRANCH_MAGIC_COOKIE) === true;
}

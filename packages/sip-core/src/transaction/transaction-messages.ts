/**
 * Messages the transaction layer builds itself: responses to a request
 * (RFC 3261 §8.2.6), the ACK of a non-2xx final response (§17.1.1.3) and a
 * CANCEL of a pending INVITE (§9.1).
 */
import { SipRequest, SipResponse } from '../message.js';
import { randomHex } from '../random-hex.js';
import { BRANCH_MAGIC_COOKIE, serializeVia } from '../via.js';

/** The reason phrases of RFC 3261 §21 this stack writes itself. */
const REASONS: Readonly<Record<number, string>> = {
  100: 'Trying',
  180: 'Ringing',
  183: 'Session Progress',
  200: 'OK',
  202: 'Accepted',
  400: 'Bad Request',
  404: 'Not Found',
  408: 'Request Timeout',
  481: 'Call/Transaction Does Not Exist',
  486: 'Busy Here',
  487: 'Request Terminated',
  500: 'Server Internal Error',
  503: 'Service Unavailable',
  504: 'Server Time-out',
  505: 'Version Not Supported',
  513: 'Message Too Large',
};

/** The RFC 3261 §21 reason phrase for `status`, or a generic one. */
export function reasonPhrase(status: number): string {
  return REASONS[status] ?? (status < 200 ? 'Provisional' : status < 300 ? 'OK' : 'Error');
}

/** A new branch with the RFC 3261 §8.1.1.7 magic cookie and 64 random bits. */
export function createBranch(): string {
  return BRANCH_MAGIC_COOKIE + randomHex(8);
}

/** A new From/To tag with 64 random bits (RFC 3261 §19.3). */
export function createTag(): string {
  return randomHex(8);
}

/** Options of {@link createResponse}. */
export interface CreateResponseOptions {
  /** Reason phrase; default from RFC 3261 §21. */
  readonly reason?: string;
  /** Tag to add to To when it has none (never on 100, RFC 3261 §8.2.6.2). */
  readonly toTag?: string;
  /** Extra header fields, appended after the copied ones. */
  readonly headers?: ReadonlyArray<readonly [string, string]>;
  readonly body?: Uint8Array;
}

/**
 * A response to `request` (RFC 3261 §8.2.6.2): Via (all, in order), From,
 * To, Call-ID and CSeq copied; To gets `toTag` when it has none and the
 * status is above 100; a 100 copies Timestamp (§8.2.6.1). Never throws on a
 * request built by hand: a header it lacks is left out, and a To that does
 * not parse is copied as it is (what answers such a request is a 400).
 */
export function createResponse(request: SipRequest, status: number, options?: CreateResponseOptions): SipResponse {
  const headers: Array<readonly [string, string]> = [];
  for (const v of request.headers.getAll('Via')) headers.push(['Via', v]);
  const from = request.headers.get('From');
  if (from !== undefined) headers.push(['From', from]);
  const to = request.headers.get('To');
  if (to !== undefined)
    headers.push([
      'To',
      status > 100 && options?.toTag !== undefined && !hasToTag(request) ? `${to};tag=${options.toTag}` : to,
    ]);
  const callId = request.headers.get('Call-ID');
  if (callId !== undefined) headers.push(['Call-ID', callId]);
  const cseq = request.headers.get('CSeq');
  if (cseq !== undefined) headers.push(['CSeq', cseq]);
  const timestamp = request.headers.get('Timestamp');
  if (status === 100 && timestamp !== undefined) headers.push(['Timestamp', timestamp]);
  if (options?.headers !== undefined) headers.push(...options.headers);
  return new SipResponse({ status, reason: options?.reason ?? reasonPhrase(status), headers, body: options?.body });
}

/** Whether the request's To has a tag; a To that does not parse counts as tagged, so that it is left as it is. */
function hasToTag(request: SipRequest): boolean {
  try {
    return request.to.tag !== undefined;
  } catch {
    return true;
  }
}

/**
 * The ACK of a non-2xx final response, built by the INVITE client
 * transaction (RFC 3261 §17.1.1.3): same Request-URI, Call-ID, From, CSeq
 * number; To from the response; one Via equal to the request's top Via;
 * the request's Route header fields.
 */
export function createNonSuccessAck(invite: SipRequest, response: SipResponse): SipRequest {
  return hopByHopRequest(invite, 'ACK', response.headers.get('To') ?? '');
}

/**
 * A CANCEL of `invite` (RFC 3261 §9.1): same Request-URI, Call-ID, To, From,
 * CSeq number, the top Via only (same branch), and the Route header fields.
 */
export function createCancel(invite: SipRequest): SipRequest {
  return hopByHopRequest(invite, 'CANCEL', invite.headers.get('To') ?? '');
}

/** The request both of the above are: the INVITE's top Via, Routes, From, Call-ID and CSeq number, with `to` and `method`. */
function hopByHopRequest(invite: SipRequest, method: 'ACK' | 'CANCEL', to: string): SipRequest {
  const top = invite.via[0];
  const headers: Array<readonly [string, string]> = [];
  if (top !== undefined) headers.push(['Via', serializeVia(top)]);
  for (const r of invite.headers.getAll('Route')) headers.push(['Route', r]);
  headers.push(['Max-Forwards', '70']);
  headers.push(['From', invite.headers.get('From') ?? '']);
  headers.push(['To', to]);
  headers.push(['Call-ID', invite.headers.get('Call-ID') ?? '']);
  headers.push(['CSeq', `${invite.cseq.seq} ${method}`]);
  return new SipRequest({ method, uri: invite.uri, headers });
}

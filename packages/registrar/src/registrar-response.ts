import { randomBytes } from 'node:crypto';
import { SipResponse, type SipRequest } from '@sipbreakout/sip-core';

/**
 * A response to `request` with the headers RFC 3261 §8.2.6.2 copies: every
 * Via, From, Call-ID, CSeq, and To with a tag added when it has none.
 */
export function createResponse(request: SipRequest, status: number, reason: string): SipResponse {
  const headers: Array<readonly [string, string]> = [];
  for (const via of request.headers.getAll('via')) headers.push(['Via', via]);
  const from = request.headers.get('from');
  if (from !== undefined) headers.push(['From', from]);
  const to = request.headers.get('to');
  if (to !== undefined) {
    let tagged = to;
    try {
      if (request.to.tag === undefined) tagged = `${to};tag=${randomBytes(6).toString('hex')}`;
    } catch {
      // A To that does not parse is copied as it is (the answer is a 400 anyway).
    }
    headers.push(['To', tagged]);
  }
  const callId = request.headers.get('call-id');
  if (callId !== undefined) headers.push(['Call-ID', callId]);
  const cseq = request.headers.get('cseq');
  if (cseq !== undefined) headers.push(['CSeq', cseq]);
  return new SipResponse({ status, reason, headers });
}

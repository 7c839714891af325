/**
 * What a B2BUA call sends the caller on the application's behalf, when a
 * device that is not a SIP leg rings or answers: a provisional response of
 * its own, and the 2xx with its session description, after which the
 * caller's leg is a {@link HeldLeg}. The outgoing legs that lose get a
 * CANCEL that says why (RFC 3326 §2 allows a Reason on a CANCEL; cause 200
 * says another device took the call, so a phone does not log it as
 * missed).
 */
import { createSessionUuid, type Clock, type ResponseOptions, type ServerInvite } from '@sipbreakout/sip-core';
import type { LocalAnswer } from './b2bua-call-types.js';
import { HeldLeg } from './held-leg.js';
import { SDP_CONTENT_TYPE } from './held-leg-types.js';
import type { Leg } from './leg.js';

/** The `Reason` header value on the CANCEL of a leg that lost to another answer (RFC 3326 §2). */
export const CALL_COMPLETED_ELSEWHERE = 'SIP;cause=200;text="Call completed elsewhere"';

/** The `Reason` header field on the CANCEL of a leg that lost to another answer. */
export const COMPLETED_ELSEWHERE: readonly [string, string] = ['Reason', CALL_COMPLETED_ELSEWHERE];

/**
 * Answers the caller's INVITE 200 with the application's description, and
 * holds the caller's leg for it. The Session-ID (RFC 7989) speaks for the
 * application's device from now on, to the caller. When the INVITE carried
 * no offer, the description is the offer, and the held leg tells the
 * answer in the ACK (RFC 3261 §13.2.1).
 */
export function answerCaller(
  incoming: Leg,
  invite: ServerInvite,
  answer: LocalAnswer,
  clock: Clock,
  callerUuid: string,
): HeldLeg {
  const local = answer.held?.sessionUuid ?? createSessionUuid();
  invite.sessionId = { local, remote: callerUuid };
  invite.respond(200, {
    headers: [['Content-Type', answer.contentType ?? SDP_CONTENT_TYPE], ...(answer.headers ?? [])],
    body: answer.sdp,
  });
  const offerless = invite.request.body.length === 0;
  return new HeldLeg(incoming, {
    ...answer.held,
    clock,
    sessionUuid: local,
    ...(offerless ? { awaitingAnswer: invite.request.cseq.seq } : {}),
  });
}

/** Sends a provisional response of the application's to the caller, behind the responses still queued toward it. */
export function sendProvisional(
  invite: ServerInvite,
  queue: Promise<void> | undefined,
  status: number,
  options: ResponseOptions,
): void {
  const send = (): void => {
    if (invite.state === 'Proceeding') invite.respond(status, options);
  };
  if (queue === undefined) send();
  else void queue.then(send);
}

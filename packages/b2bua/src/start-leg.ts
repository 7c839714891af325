/**
 * An outgoing leg of the application's own, outside any B2BUA call: an
 * INVITE from the application as a UAC (RFC 3261 §13.2), with an offer or
 * without one. Without one (RFC 3725 flow I: "INVITE with no SDP"), the
 * callee's offer comes in the 2xx and the answer goes in the ACK (§13.2.1),
 * which the application sends once it has the answer (from another party,
 * re-INVITEd meanwhile).
 */
import {
  DialogError,
  NULL_SESSION_UUID,
  SipRequest,
  createSessionUuid,
  createTag,
  parseUri,
  sessionIdValue,
  type DialogLayer,
  type SipResponse,
} from '@sipbreakout/sip-core';
import { SDP_CONTENT_TYPE, type SessionDescription } from './held-leg-types.js';
import { Leg, type LegTarget } from './leg.js';

/** Options of {@link startLeg}. */
export interface StartLegOptions extends LegTarget {
  /** The Request-URI (the callee). */
  readonly uri: string;
  /** The From header field value, without a tag (the identity the leg calls as): `<sip:+4790000001@core.example>`. */
  readonly from: string;
  /** The To header field value; default `<uri>`. */
  readonly to?: string;
  /** Header fields to add (P-Asserted-Identity, Supported…). */
  readonly headers?: ReadonlyArray<readonly [string, string]>;
  /** The offer; without one the INVITE carries no body and the callee's offer comes in the 2xx. */
  readonly offer?: SessionDescription;
  /** Timer C of the INVITE (RFC 3261 §16.6 step 11), ms; default the layer's. */
  readonly timerC?: number;
  /** Cancels the INVITE (§9.1) while it is not answered. */
  readonly signal?: AbortSignal;
  /** The Session-ID UUID (RFC 7989) of the side the application speaks for; default a new one. */
  readonly sessionUuid?: string;
  /** Hears each provisional response (101–199). */
  readonly onProvisional?: (response: SipResponse) => void;
}

/**
 * How {@link startLeg} ended: answered (the 2xx's body in `sdp`: the
 * answer, or the callee's offer when the INVITE had none), or failed with
 * the final response (a 408 for a timeout or Timer C, 487 once cancelled).
 * An answered leg with an offer was ACKed; one without waits for
 * `ack(answer)`, which must come soon (the callee retransmits its 2xx and
 * gives up after 64·T1, §13.3.1.4).
 */
export type StartLegResult =
  | {
      readonly kind: 'answered';
      readonly leg: Leg;
      readonly response: SipResponse;
      readonly sdp: Uint8Array | undefined;
      /** Sends the ACK, with the answer when the 2xx carried an offer (§13.2.2.4); a second call resends the first ACK. */
      ack(answer?: SessionDescription): void;
    }
  | { readonly kind: 'failed'; readonly leg: Leg; readonly status: number; readonly response: SipResponse };

/** The INVITE of {@link startLeg}: a new Call-ID, From tag and CSeq 1; Via and Contact come from the layers below. */
function createInvite(options: StartLegOptions, sessionUuid: string): SipRequest {
  const uri = parseUri(options.uri);
  if (!uri.ok) throw new DialogError('DIALOG_ERR_BAD_TARGET', uri.error.message);
  const offer = options.offer;
  const headers: Array<readonly [string, string]> = [
    ['Max-Forwards', '70'],
    ['From', `${options.from};tag=${createTag()}`],
    ['To', options.to ?? `<${options.uri}>`],
    ['Call-ID', `${createTag()}${createTag()}`],
    ['CSeq', '1 INVITE'],
    ['Session-ID', sessionIdValue({ local: sessionUuid, remote: NULL_SESSION_UUID })],
    ...(offer === undefined ? [] : [['Content-Type', offer.contentType ?? SDP_CONTENT_TYPE] as const]),
    ...(options.headers ?? []),
  ];
  return new SipRequest({ method: 'INVITE', uri: uri.uri, headers, body: offer?.sdp ?? new Uint8Array(0) });
}

/**
 * Sends an INVITE of the application's own toward `options.destination`
 * and resolves once it is answered or failed. Throws
 * `DIALOG_ERR_BAD_TARGET` for a URI that does not parse.
 */
export function startLeg(layer: DialogLayer, options: StartLegOptions): Promise<StartLegResult> {
  const sessionUuid = options.sessionUuid ?? createSessionUuid();
  const request = createInvite(options, sessionUuid);
  const invite = layer.invite(request, {
    destination: options.destination,
    autoAck: false,
    timerC: options.timerC ?? layer.timerC,
  });
  invite.sessionId = { local: sessionUuid, remote: NULL_SESSION_UUID };
  const leg = Leg.outgoing(invite, options);
  const signal = options.signal;
  const onAbort = (): void => invite.cancel();
  if (signal?.aborted === true) invite.cancel();
  else signal?.addEventListener('abort', onAbort, { once: true });
  return new Promise((resolve) => {
    invite.onEvent((event) => {
      switch (event.kind) {
        case 'provisional':
          if (leg.learnSessionUuid(event.response))
            invite.sessionId = { local: sessionUuid, remote: leg.sessionUuid ?? NULL_SESSION_UUID };
          options.onProvisional?.(event.response);
          return;
        case 'answered': {
          signal?.removeEventListener('abort', onAbort);
          if (leg.learnSessionUuid(event.response))
            invite.sessionId = { local: sessionUuid, remote: leg.sessionUuid ?? NULL_SESSION_UUID };
          const ack = (answer?: SessionDescription): void => {
            invite.ack(
              answer === undefined
                ? {}
                : { headers: [['Content-Type', answer.contentType ?? SDP_CONTENT_TYPE]], body: answer.sdp },
            );
          };
          // With an offer in the INVITE the ACK has nothing to carry: it goes at once.
          if (options.offer !== undefined) ack();
          // A 2xx from another fork is ACKed and BYEd by the INVITE itself (§13.2.2.4): nothing more to hear.
          invite.onEvent(undefined);
          const body = event.response.body;
          resolve({ kind: 'answered', leg, response: event.response, sdp: body.length > 0 ? body : undefined, ack });
          return;
        }
        case 'rejected':
          signal?.removeEventListener('abort', onAbort);
          invite.onEvent(undefined);
          resolve({ kind: 'failed', leg, status: event.response.status, response: event.response });
          return;
        case 'extraAnswer':
          return;
      }
    });
  });
}

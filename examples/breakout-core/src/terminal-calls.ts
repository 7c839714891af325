/**
 * The calls web terminals place: the core's side of the Web Terminal port
 * (`TerminalCallControl` of `@sipbreakout/web-terminal`) for an outgoing
 * call. A terminal's call is an MO call of its number: routed as the
 * phone's (`./terminal-route.ts`), then a new INVITE from the core (a UAC,
 * RFC 3261 §13.2) with the core's Session-ID (RFC 7989 §6) to the callee at
 * the mobile next hop or to a TAS as leg 2, the number as caller ID
 * (P-Asserted-Identity, RFC 3325 §9.1), and the media through rtpengine: the
 * terminal's WebRTC offer (ICE, DTLS-SRTP, rtcp-mux) becomes plain RTP/AVP
 * toward the mobile side (WebRTC style, rtpengine's own, toward a TAS), and
 * the answer becomes WebRTC style for the terminal. Without a media relay a
 * terminal's call is refused: WebRTC SDP never reaches the mobile side.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { SDP_TOWARD_MOBILE, SDP_TOWARD_TAS, type NgClient, type SdpProfile } from '@sipbreakout/media';
import {
  createTag,
  parseUri,
  SipRequest,
  type ClientInvite,
  type Dialog,
  type DialogLayer,
} from '@sipbreakout/sip-core';
import type { SdpOutcome, TerminalCallControl, TerminalCallEvents, TerminalCallRef } from '@sipbreakout/web-terminal';
import type { TerminalLeg, TerminalRouter } from './terminal-route.js';

/** What a terminal is told when the core has no media relay. */
export const NO_MEDIA_RELAY_REASON =
  'terminal calls need a media relay (mediaRelay.ng): WebRTC media is never passed to the mobile side as it is';

/** The ng commands a terminal's call uses. */
export type TerminalMediaRelay = Pick<NgClient, 'offer' | 'answer' | 'delete'>;

/**
 * What rtpengine is asked for a terminal's call toward a TAS: its own
 * WebRTC-style offer (the TAS sees rtpengine's ICE and DTLS, never the
 * terminal's), and an answer back to the terminal that keeps ICE
 * (`ICE: force`), which a WebRTC stack cannot do without.
 */
export const SDP_TERMINAL_TOWARD_TAS: SdpProfile = { offer: SDP_TOWARD_TAS.offer, answer: SDP_TOWARD_MOBILE.answer };

/** How a terminal's call ended up, the `outcome` label of `sipbreakout_terminal_calls_total`. */
export type TerminalCallOutcome =
  /** The callee (or the TAS) answered. */
  | 'answered'
  /** No media relay is configured. */
  | 'no_media_relay'
  /** The callee or the number is not an E.164 number, or the call id is in use. */
  | 'bad_request'
  /** Routing refused the call, or its TAS could not be reached under the `fail` policy. */
  | 'route_rejected'
  /** The callee or the TAS answered with a final error (busy, timeout…). */
  | 'rejected'
  /** rtpengine refused or did not answer an offer or answer. */
  | 'media_relay_error'
  /** The terminal left before the answer. */
  | 'abandoned';

/** Every {@link TerminalCallOutcome}. */
export const TERMINAL_CALL_OUTCOMES: readonly TerminalCallOutcome[] = [
  'answered',
  'no_media_relay',
  'bad_request',
  'route_rejected',
  'rejected',
  'media_relay_error',
  'abandoned',
];

/** Options of {@link TerminalCalls}. */
export interface TerminalCallsOptions {
  readonly layer: DialogLayer;
  /** Where a terminal's call goes: the core's routing (`breakoutRouter`), or straight to a next hop (`directRouter`). */
  readonly router: TerminalRouter;
  /** `sip.domain`: the host of the caller's URI (From, P-Asserted-Identity). */
  readonly domain: string;
  /** The media relay's ng client (`mediaRelay.ng` set); undefined: every terminal call is refused. */
  readonly mediaRelay: TerminalMediaRelay | undefined;
  /** What the hub is told about the calls (the callee rings, the call ended from the SIP side). */
  readonly events: Pick<TerminalCallEvents, 'remoteRinging' | 'callEnded'>;
  readonly log: Logger;
  /** Told how each call ended up, with its `route_type` label (metrics). */
  readonly count?: ((outcome: TerminalCallOutcome, routeType: string) => void) | undefined;
  /** Timer C (RFC 3261 §16.6 step 11) of the INVITE, ms: how long the callee may ring (default 180,000). */
  readonly timerCMs?: number;
}

/** One terminal call, from the INVITE on. */
interface TerminalCall {
  readonly number: string;
  readonly callId: string;
  readonly terminal: string;
  /** The SIP Call-ID and From tag: the media session's keys in rtpengine. */
  readonly sipCallId: string;
  readonly fromTag: string;
  /** The call's Session-ID (RFC 7989): the core starts the session, a TAS's leg 3 is matched by it. */
  readonly sessionId: string;
  /** Forgets what routing recorded for the call (its leg 2 record). */
  forget: () => void;
  invite: ClientInvite | undefined;
  dialog: Dialog | undefined;
  ended: boolean;
}

/** The key of a terminal's call: its number and the terminals' call id. */
const keyOf = (ref: { readonly number: string; readonly callId: string }): string => `${ref.number} ${ref.callId}`;

/** An E.164 number, `+` optional (the form the Web Terminal API carries). */
const E164 = /^\+?\d{1,15}$/;

/** A number with its `+`, as routing and the registrations write it. */
const withPlus = (number: string): string => (number.startsWith('+') ? number : `+${number}`);

/** The Max-Forwards a terminal's call starts from (RFC 3261 §8.1.1.6 recommends 70). */
const MAX_FORWARDS = 70;

/** RFC 7989 §7: the remote UUID of a session whose other end is not known yet. */
const NULL_SESSION_ID = '00000000000000000000000000000000';

/** The outgoing calls of web terminals. */
export class TerminalCalls implements Pick<TerminalCallControl, 'startOutgoing' | 'hangup'> {
  readonly #o: TerminalCallsOptions;
  readonly #calls = new Map<string, TerminalCall>();

  constructor(options: TerminalCallsOptions) {
    this.#o = options;
  }

  /** How many terminal calls are set up or in progress. */
  get size(): number {
    return this.#calls.size;
  }

  /**
   * Places the terminal's call: routing's leg (the callee at the next hop,
   * or a TAS), the media relay's offer for that side, the INVITE, and, on
   * its 2xx, the relay's answer (WebRTC style) for the terminal. Any
   * failure ends what was started (the relay's session deleted, the leg 2
   * record forgotten) and resolves with the reason.
   */
  async startOutgoing(
    request: TerminalCallRef & { readonly callee: string; readonly sdp: string },
  ): Promise<SdpOutcome> {
    let routeType = 'NONE';
    const failed = (outcome: TerminalCallOutcome, reason: string): SdpOutcome => {
      this.#o.count?.(outcome, routeType);
      return { ok: false, reason };
    };
    const relay = this.#o.mediaRelay;
    if (relay === undefined) return failed('no_media_relay', NO_MEDIA_RELAY_REASON);
    if (!E164.test(request.callee))
      return failed('bad_request', `callee ${JSON.stringify(request.callee)} is not an E.164 number`);
    if (!E164.test(request.number))
      return failed('bad_request', `number ${JSON.stringify(request.number)} is not an E.164 number`);
    const key = keyOf(request);
    if (this.#calls.has(key)) return failed('bad_request', `call ${request.callId} already exists`);
    const call: TerminalCall = {
      number: request.number,
      callId: request.callId,
      terminal: request.terminal,
      sipCallId: `${createTag()}${createTag()}`,
      fromTag: createTag(),
      sessionId: randomBytes(16).toString('hex'),
      forget: () => {},
      invite: undefined,
      dialog: undefined,
      ended: false,
    };
    this.#calls.set(key, call);
    const log = this.#o.log.child({ terminalCall: request.callId, callId: call.sipCallId, sessionId: call.sessionId });

    const route = await this.#o.router.route({
      caller: withPlus(request.number),
      callee: withPlus(request.callee),
      sessionId: call.sessionId,
      maxForwards: MAX_FORWARDS,
      log,
    });
    routeType = route.routeType;
    if (!route.ok) {
      if (this.#calls.get(key) === call) this.#calls.delete(key);
      log.info({ reason: route.reason }, 'terminal call not routed');
      return failed('route_rejected', route.reason);
    }
    call.forget = route.forget;
    if (call.ended) {
      this.#finish(call, log);
      return failed('abandoned', 'the terminal left the call');
    }
    const profile = route.leg.side === 'tas' ? SDP_TERMINAL_TOWARD_TAS : SDP_TOWARD_MOBILE;

    let offer: Uint8Array;
    try {
      offer = (
        await relay.offer({
          callId: call.sipCallId,
          fromTag: call.fromTag,
          sdp: request.sdp,
          options: profile.offer,
        })
      ).sdp;
    } catch (error) {
      this.#calls.delete(key);
      call.forget();
      log.warn({ err: error }, 'media relay refused the terminal offer');
      return failed('media_relay_error', `the media relay refused the offer: ${(error as Error).message}`);
    }
    if (call.ended) {
      await this.#deleteMedia(call, log);
      return failed('abandoned', 'the terminal left the call');
    }

    const answered = await this.#invite(call, route.leg, withPlus(request.callee), offer, log);
    if (!answered.ok) {
      // A call the terminal left was forgotten, and its session deleted, by hangup already.
      if (!call.ended) this.#finish(call, log);
      return failed(answered.outcome, answered.reason);
    }
    const { dialog, sdp } = answered;
    try {
      const forTerminal = await relay.answer({
        callId: call.sipCallId,
        fromTag: call.fromTag,
        toTag: dialog.id.remoteTag,
        sdp,
        options: profile.answer,
      });
      if (call.ended) return failed('abandoned', 'the terminal left the call');
      this.#o.count?.('answered', routeType);
      return { ok: true, sdp: new TextDecoder().decode(forTerminal.sdp) };
    } catch (error) {
      log.warn({ err: error }, 'media relay refused the callee answer');
      this.#end(call, log);
      return failed('media_relay_error', `the media relay refused the answer: ${(error as Error).message}`);
    }
  }

  /**
   * The terminal leaves its call: a call still ringing is cancelled (RFC
   * 3261 §9.1), an answered one ended with BYE (§15.1.1); the relay's
   * session is deleted. A call it does not know is ignored.
   */
  hangup(request: TerminalCallRef & { readonly cause: 'bye' | 'stream-lost' }): void {
    const call = this.#calls.get(keyOf(request));
    if (call === undefined) return;
    this.#end(call, this.#o.log.child({ terminalCall: request.callId, callId: call.sipCallId, cause: request.cause }));
  }

  /** Sends the INVITE and resolves with the confirmed dialog and the callee's SDP, or a failure. */
  #invite(
    call: TerminalCall,
    leg: TerminalLeg,
    callee: string,
    sdp: Uint8Array,
    log: Logger,
  ): Promise<
    { ok: true; dialog: Dialog; sdp: Uint8Array } | { ok: false; outcome: TerminalCallOutcome; reason: string }
  > {
    const uri = parseUri(leg.uri);
    if (!uri.ok)
      return Promise.resolve({ ok: false, outcome: 'route_rejected', reason: `callee ${callee}: no SIP URI` });
    const caller = `sip:${withPlus(call.number)}@${this.#o.domain}`;
    const invite = new SipRequest({
      method: 'INVITE',
      uri: uri.uri,
      headers: [
        ['From', `<${caller}>;tag=${call.fromTag}`],
        ['To', `<sip:${callee}@${this.#o.domain}>`],
        ['Call-ID', call.sipCallId],
        // The core starts the session (RFC 7989 §6: the remote UUID is the null one until an answer names it).
        ['Session-ID', `${call.sessionId};remote=${NULL_SESSION_ID}`],
        // As the B2BUA forwards a phone's INVITE (RFC 3261 §16.6 item 3): one below the default, which the leg 2
        // record holds, so that a TAS's leg 3 must come back lower still.
        ['Max-Forwards', String(MAX_FORWARDS - 1)],
        ['P-Asserted-Identity', `<${caller}>`],
        ['Content-Type', 'application/sdp'],
      ],
      body: sdp,
    });
    return new Promise((resolve) => {
      const client = this.#o.layer.invite(invite, {
        destination: leg.destination,
        timerC: this.#o.timerCMs ?? 180_000,
      });
      call.invite = client;
      client.onEvent((event) => {
        switch (event.kind) {
          case 'provisional':
            if (event.response.status === 180 || event.response.status === 183)
              this.#o.events.remoteRinging({ number: call.number, callId: call.callId });
            return;
          case 'answered': {
            call.dialog = event.dialog;
            this.#watch(call, event.dialog, log);
            if (call.ended) {
              // The terminal left while the 2xx was on its way: the dialog is ended at once (§15).
              void event.dialog.bye().catch(() => undefined);
              resolve({ ok: false, outcome: 'abandoned', reason: 'the terminal left the call' });
              return;
            }
            if (event.response.body.length === 0) {
              log.warn('the callee answered without SDP');
              this.#end(call, log);
              resolve({ ok: false, outcome: 'rejected', reason: 'the callee answered without SDP' });
              return;
            }
            resolve({ ok: true, dialog: event.dialog, sdp: event.response.body });
            return;
          }
          case 'rejected':
            log.info({ status: event.response.status }, 'terminal call rejected');
            resolve({
              ok: false,
              outcome: call.ended ? 'abandoned' : 'rejected',
              reason: `${event.response.status} ${event.response.reason}`,
            });
            return;
          case 'extraAnswer':
            return;
        }
      });
    });
  }

  /** The callee's side of an answered call: its BYE ends the terminal's call; what else it asks is declined. */
  #watch(call: TerminalCall, dialog: Dialog, log: Logger): void {
    dialog.onEvent((event) => {
      if (event.kind === 'bye') {
        log.info('the callee hung up');
        this.#finish(call, log);
        this.#o.events.callEnded({ number: call.number, callId: call.callId });
      } else if (event.kind === 'request') {
        // Renegotiation toward a terminal is not part of an outgoing call here: refused, the call unchanged (RFC 3261 §14.2).
        const method = event.request.request.method;
        event.request.respond(method === 'INVITE' || method === 'UPDATE' ? 488 : 501);
      } else if (event.kind === 'terminated' && !call.ended) {
        this.#finish(call, log);
        this.#o.events.callEnded({ number: call.number, callId: call.callId });
      }
    });
  }

  /** Ends the call from our side: CANCEL while it rings, BYE once answered; then forgets it. */
  #end(call: TerminalCall, log: Logger): void {
    if (call.ended) return;
    call.ended = true;
    if (call.dialog !== undefined && !call.dialog.terminated)
      call.dialog.bye().then(
        (response) => log.info({ status: response.status }, 'BYE answered'),
        (error: unknown) => log.warn({ err: error }, 'BYE failed'),
      );
    else if (call.invite !== undefined && call.dialog === undefined) call.invite.cancel();
    this.#finish(call, log);
  }

  /** Forgets the call (and its leg 2 record) and deletes its media session. */
  #finish(call: TerminalCall, log: Logger): void {
    call.ended = true;
    call.forget();
    call.forget = () => {};
    if (this.#calls.get(keyOf(call)) === call) this.#calls.delete(keyOf(call));
    void this.#deleteMedia(call, log);
  }

  /** Deletes the call's media session in rtpengine (a failure is logged: rtpengine times the session out). */
  async #deleteMedia(call: TerminalCall, log: Logger): Promise<void> {
    try {
      await this.#o.mediaRelay?.delete({ callId: call.sipCallId, fromTag: call.fromTag });
    } catch (error) {
      log.warn({ err: error }, 'media relay delete failed');
    }
  }
}

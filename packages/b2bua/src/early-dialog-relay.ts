/**
 * Requests in the early dialogs of a B2BUA call, before the 2xx: UPDATE
 * (RFC 3311 §5.1 allows it there), INFO (RFC 6086), the PRACK of a reliable
 * provisional response (RFC 3262) and any other request a peer sends in an
 * early dialog, relayed between the caller's early dialog and the outgoing
 * early dialog whose provisional response the caller got last, with their
 * responses back. A PRACK goes to the outgoing early dialog of the
 * provisional response it acknowledges, its RAck turned into that one's
 * RSeq and CSeq; a PRACK of a response the callee did not send reliably is
 * answered here. A request received with Max-Forwards 0 is answered 483
 * and goes no further (RFC 3261 §16.3 step 3), as in {@link LegPair}.
 */
import {
  isDialogError,
  parseRAck,
  type Dialog,
  type IncomingRequest,
  type SipMessage,
  type SipRequest,
  type SipResponse,
} from '@sipbreakout/sip-core';
import type { Leg } from './leg.js';
import { TOO_MANY_HOPS_REASON, type RelayHooks } from './leg-pair.js';
import { afterHook, nextMaxForwards, relayedContent, statusOfHookError } from './relay-message.js';

/** What the relay needs from its call. */
export interface EarlyRelayContext {
  /** The call's incoming leg. */
  readonly incoming: Leg;
  /** The hooks in force (none once the call let them go). */
  hooks(): RelayHooks;
  /** A message came from `leg`: its Session-ID may tell the UUID of its endpoint. */
  received(leg: Leg, message: SipMessage): void;
  /** Settles once the responses queued toward the caller went; undefined when none is queued. */
  callerQueue(): Promise<void> | undefined;
}

/** A reliable provisional response sent to the caller, and what it relays. */
interface ReliableRelay {
  readonly leg: Leg;
  readonly dialog: Dialog;
  /** Its RSeq on the outgoing leg; undefined when the callee did not send it reliably (the caller required it). */
  readonly rseq: number | undefined;
}

/** The early-dialog relay of one B2BUA call. */
export class EarlyDialogRelay {
  readonly #context: EarlyRelayContext;
  /** Where the caller's requests go: the early dialog of the last provisional response the caller got. */
  #current: { readonly leg: Leg; readonly dialog: Dialog } | undefined;
  /** Reliable provisional responses sent to the caller, by their RSeq on the caller's leg. */
  readonly #reliable = new Map<number, ReliableRelay>();
  /** Dialogs whose events this relay hears. */
  readonly #listening = new Set<Dialog>();

  constructor(context: EarlyRelayContext) {
    this.#context = context;
  }

  /** The outgoing early dialog `dialog` of `leg` came into being: the callee's requests in it are relayed to the caller. */
  listen(leg: Leg, dialog: Dialog): void {
    if (this.#listening.has(dialog) || dialog.terminated) return;
    this.#listening.add(dialog);
    dialog.onEvent((event) => {
      if (event.kind === 'terminated') this.#listening.delete(dialog);
      else if (event.kind === 'request') this.#fromCallee(leg, event.request);
    });
  }

  /**
   * A provisional response of `leg` (early dialog `dialog`) reached the
   * caller, reliably with RSeq `callerRSeq` there; `calleeRSeq` is its RSeq
   * on `leg` when the callee sent it reliably.
   */
  relayed(leg: Leg, dialog: Dialog | undefined, callerRSeq: number | undefined, calleeRSeq: number | undefined): void {
    this.#listenToCaller();
    if (dialog === undefined || dialog.terminated) return;
    this.#current = { leg, dialog };
    this.listen(leg, dialog);
    if (callerRSeq !== undefined) this.#reliable.set(callerRSeq, { leg, dialog, rseq: calleeRSeq });
  }

  /** Stops hearing every dialog but those in `keep` (the ones a pair of legs hears from now on). */
  stop(keep: ReadonlySet<Dialog> = new Set()): void {
    for (const d of this.#listening) if (!keep.has(d)) d.onEvent(undefined);
    this.#listening.clear();
    this.#reliable.clear();
    this.#current = undefined;
  }

  #listenToCaller(): void {
    const dialog = this.#context.incoming.dialog;
    if (dialog === undefined || this.#listening.has(dialog) || dialog.terminated) return;
    this.#listening.add(dialog);
    dialog.onEvent((event) => {
      if (event.kind === 'terminated') this.#listening.delete(dialog);
      else if (event.kind === 'request') this.#fromCaller(event.request);
      // A BYE of the caller in the early dialog is the INVITE's business (487, RFC 3261 §15.1.2); the call hears it from there.
    });
  }

  #fromCaller(incoming: IncomingRequest): void {
    const request = incoming.request;
    const from = this.#context.incoming;
    this.#context.received(from, request);
    if (request.method === 'PRACK') {
      // RFC 3262 §3: the UAS core matched it to a reliable provisional response of ours; the PRACK goes to the one that response relays.
      const rack = parseRAck(request.headers.get('RAck'));
      const relay = rack === undefined ? undefined : this.#reliable.get(rack.rseq);
      if (rack !== undefined) this.#reliable.delete(rack.rseq);
      const outgoing = relay?.leg.side;
      if (relay === undefined || relay.rseq === undefined || relay.dialog.terminated || outgoing?.kind !== 'outgoing') {
        incoming.respond(200);
        return;
      }
      const rseq = relay.rseq;
      this.#relay(incoming, from, relay.leg, (options) => outgoing.invite.prack(relay.dialog, rseq, options));
      return;
    }
    const current = this.#current;
    if (current === undefined || current.dialog.terminated) {
      // No outgoing early dialog to take it (none yet, or it ended): the request changes nothing (RFC 3311 §5.2 for an UPDATE).
      incoming.respond(500, { headers: [['Retry-After', '1']] });
      return;
    }
    this.#relay(incoming, from, current.leg, (options) => current.dialog.request(request.method, options));
  }

  #fromCallee(leg: Leg, incoming: IncomingRequest): void {
    this.#context.received(leg, incoming.request);
    const go = (): void => {
      const dialog = this.#context.incoming.dialog;
      if (dialog === undefined || dialog.terminated) {
        if (!incoming.answered) incoming.respond(500, { headers: [['Retry-After', '1']] });
        return;
      }
      this.#relay(incoming, leg, this.#context.incoming, (options) => dialog.request(incoming.request.method, options));
    };
    // The caller's early dialog comes with the provisional response that may still wait for its hook: the request goes behind it.
    const queued = this.#context.callerQueue();
    if (queued === undefined) go();
    else void queued.then(go, go);
  }

  /** Sends `incoming` on the other leg with `send` and answers it with the response that comes back. */
  #relay(
    incoming: IncomingRequest,
    from: Leg,
    to: Leg,
    send: (options: {
      headers: Array<readonly [string, string]>;
      body?: Uint8Array;
      maxForwards: number;
      onFinal: (response: SipResponse) => void;
    }) => Promise<SipResponse>,
  ): void {
    const request: SipRequest = incoming.request;
    const hooks = this.#context.hooks();
    if (request.maxForwards === 0) {
      // §16.3 step 3: no hop left to reach the other leg.
      incoming.respond(483, { reason: TOO_MANY_HOPS_REASON });
      hooks.tooManyHops?.(request, { from, to, action: 'refused' });
      return;
    }
    const content = relayedContent(request);
    hooks.relayRequest?.(content, { request, from, to });
    const failed = (error: unknown): void => {
      if (!incoming.answered) incoming.respond(statusOfHookError(error));
    };
    const onFinal = (response: SipResponse): void => {
      this.#context.received(to, response);
      if (incoming.answered) return;
      const back = relayedContent(response);
      hooks.relayResponse?.(back, { response, from: to, to: from });
      afterHook(
        () => hooks.relayInDialog?.(back, { message: response, request, from: to, to: from }),
        () => {
          if (incoming.answered) return;
          incoming.respond(response.status, {
            headers: back.headers,
            ...(back.reason === undefined ? {} : { reason: back.reason }),
            ...(back.body === undefined ? {} : { body: back.body }),
          });
        },
        failed,
      );
    };
    afterHook(
      () => hooks.relayInDialog?.(content, { message: request, request, from, to }),
      () => {
        if (incoming.answered) return;
        try {
          void send({
            headers: content.headers,
            ...(content.body === undefined ? {} : { body: content.body }),
            maxForwards: nextMaxForwards(request),
            onFinal,
          });
        } catch (e) {
          incoming.respond(isDialogError(e, 'DIALOG_ERR_TERMINATED') ? 481 : 500);
        }
      },
      failed,
    );
  }
}

/**
 * The responses of a B2BUA call's outgoing legs relayed to the caller while
 * the call is set up, in the order they came. Each goes through the
 * `relayResponse` and `relaySetupResponse` hooks; the latter may take its
 * time (an SDP answer rewritten by a media relay): the response then waits
 * for its promise, and the later ones wait behind it.
 */
import type { SipResponse } from '@sipbreakout/sip-core';
import type { B2buaHooks } from './b2bua-call-types.js';
import type { Leg } from './leg.js';
import { type RelayedContent, isPromiseLike, relayedContent } from './relay-message.js';
import { assignedForResponse } from './session-id-policy.js';

/**
 * How a response relayed to the caller ended: sent (`response` as sent),
 * not sent because the caller's INVITE was answered already, left out (a
 * provisional response whose hook failed), or its hook failed.
 */
export type CallerRelayOutcome =
  | { readonly kind: 'sent'; readonly response: SipResponse }
  | { readonly kind: 'callerGone' }
  | { readonly kind: 'skipped' }
  | { readonly kind: 'hookFailed'; readonly error: unknown };

/** What the relay needs from its call. */
export interface CallerRelayContext {
  /** The call's incoming leg. */
  readonly incoming: Leg;
  /** The hooks in force (none once the call let them go). */
  hooks(): B2buaHooks;
  /** The caller's Session-ID UUID (RFC 7989): its own, or the one assigned to stand for it. */
  callerUuid(): string;
  /** A response of `from` is relayed: the caller hears from that leg from now on (RFC 7989 §7). */
  facing(from: Leg): void;
}

/** The queue of responses toward the caller of one B2BUA call. */
export class CallerRelay {
  readonly #context: CallerRelayContext;
  /** The last response to the caller still waiting for its hook: later ones are queued behind it. */
  #toCaller: Promise<void> | undefined;

  constructor(context: CallerRelayContext) {
    this.#context = context;
  }

  /** Settles once the responses queued toward the caller went; undefined when none is queued. */
  get queue(): Promise<void> | undefined {
    return this.#toCaller;
  }

  /**
   * Relays `response` of the outgoing leg `from` to the caller through the
   * `relayResponse` and `relaySetupResponse` hooks. A hook's promise, or one still pending before it,
   * defers the response (and its hook) until the ones before it are sent;
   * `done` hears how it ended.
   */
  relay(
    status: number,
    response: SipResponse,
    from: Leg,
    done?: (outcome: CallerRelayOutcome) => void,
    reliable = false,
  ): void {
    const incoming = this.#context.incoming;
    if (incoming.side.kind !== 'incoming') return;
    const serverInvite = incoming.side.invite;
    const hooks = this.#context.hooks();
    const content: RelayedContent = relayedContent(response);
    if (!response.headers.has('Session-ID')) {
      // RFC 7989 §7: an endpoint that sent no Session-ID gets a UUID assigned to stand for it, on everything said for it.
      content.headers.push(['Session-ID', assignedForResponse(from, this.#context.callerUuid())]);
    }
    this.#context.facing(from);
    const send = (): CallerRelayOutcome => {
      if (serverInvite.state !== 'Proceeding') return { kind: 'callerGone' };
      const sent = serverInvite.respond(status, {
        headers: content.headers,
        ...(content.reason === undefined ? {} : { reason: content.reason }),
        ...(content.body === undefined ? {} : { body: content.body }),
        ...(reliable && serverInvite.supportsReliableProvisional ? { reliable: true } : {}),
      });
      return { kind: 'sent', response: sent };
    };
    const rewrite = (): void | PromiseLike<void> => {
      const context = { response, from, to: incoming };
      hooks.relayResponse?.(content, context);
      return hooks.relaySetupResponse?.(content, context);
    };
    const settle = (error: unknown): CallerRelayOutcome => {
      // A provisional response whose hook failed is left out; a failure is still the call's outcome.
      if (status >= 300) return send();
      return status < 200 ? { kind: 'skipped' } : { kind: 'hookFailed', error };
    };
    if (this.#toCaller === undefined) {
      if (serverInvite.state !== 'Proceeding') return done?.({ kind: 'callerGone' });
      const rewriting = rewrite();
      if (!isPromiseLike(rewriting)) {
        const outcome = send();
        done?.(outcome);
        return;
      }
      this.#enqueue(Promise.resolve(rewriting).then(send, settle), done);
      return;
    }
    this.#enqueue(
      this.#toCaller.then(() =>
        serverInvite.state === 'Proceeding'
          ? Promise.resolve(rewrite()).then(send, settle)
          : { kind: 'callerGone' as const },
      ),
      done,
    );
  }

  #enqueue(outcome: Promise<CallerRelayOutcome>, done: ((outcome: CallerRelayOutcome) => void) | undefined): void {
    const queued: Promise<void> = outcome.then(
      (o) => done?.(o),
      (error: unknown) => done?.({ kind: 'hookFailed', error }),
    );
    this.#toCaller = queued;
    void queued.finally(() => {
      if (this.#toCaller === queued) this.#toCaller = undefined;
    });
  }
}

/**
 * The 2xx responses a dialog sent to INVITEs (the initial one or a
 * re-INVITE) whose ACK has not come yet: the UAS core retransmits each
 * until its ACK (RFC 3261 §13.3.1.4), driving the pure machine of
 * success-retransmission.ts on the dialog's clock, and gives up after
 * 64·T1.
 */
import type { ClockTimer } from '../clock.js';
import type { SipRequest, SipResponse } from '../message.js';
import type { ServerTransaction } from '../transaction/transaction-handles.js';
import type { DialogContext } from './dialog-types.js';
import { driveRetransmission } from './retransmission-driver.js';
import {
  type SuccessRetransmissionAction,
  type SuccessRetransmissionState,
  startSuccessRetransmission,
  stepSuccessRetransmission,
} from './success-retransmission.js';

interface PendingSuccess {
  state: SuccessRetransmissionState;
  timer: ClockTimer | undefined;
  readonly response: SipResponse;
  readonly transaction: ServerTransaction;
  readonly onAck: ((ack: SipRequest) => void) | undefined;
  readonly onGiveUp: (() => void) | undefined;
}

/** What the owner of a 2xx hears: its ACK, or that none came. */
export interface SuccessHooks {
  onAck?: (ack: SipRequest) => void;
  onGiveUp?: () => void;
}

/** @internal The 2xx responses of one dialog waiting for their ACK, by CSeq number. */
export class UnacknowledgedSuccesses {
  readonly #context: Pick<DialogContext, 'clock' | 'timers' | 'transactions'>;
  readonly #pending = new Map<number, PendingSuccess>();
  /** Called after a 2xx's own `onGiveUp`, when no ACK came in 64·T1. */
  readonly #gaveUp: () => void;

  constructor(context: Pick<DialogContext, 'clock' | 'timers' | 'transactions'>, gaveUp: () => void) {
    this.#context = context;
    this.#gaveUp = gaveUp;
  }

  /** Retransmits `response`, sent on `transaction`, until its ACK (a later 2xx to the same INVITE replaces it). */
  start(response: SipResponse, transaction: ServerTransaction, hooks: SuccessHooks): void {
    const seq = response.cseq.seq;
    const started = startSuccessRetransmission(
      this.#context.clock.now(),
      this.#context.timers,
      transaction.source.protocol !== 'UDP',
    );
    const pending: PendingSuccess = {
      state: started.state,
      timer: undefined,
      response,
      transaction,
      onAck: hooks.onAck,
      onGiveUp: hooks.onGiveUp,
    };
    this.#pending.get(seq)?.timer?.cancel();
    this.#pending.set(seq, pending);
    this.#perform(seq, pending, started.actions);
  }

  /** The ACK of one of them came: it is no longer sent, and its owner hears the ACK. False when it matches none. */
  acknowledge(ack: SipRequest): boolean {
    const seq = ack.cseq.seq;
    const pending = this.#pending.get(seq);
    if (pending === undefined) return false;
    const step = stepSuccessRetransmission(pending.state, { kind: 'ack' }, this.#context.clock.now());
    pending.state = step.state;
    this.#perform(seq, pending, step.actions);
    this.#pending.delete(seq);
    pending.onAck?.(ack);
    return true;
  }

  /** Stops every retransmission (the dialog ended). */
  clear(): void {
    for (const p of this.#pending.values()) p.timer?.cancel();
    this.#pending.clear();
  }

  #perform(seq: number, pending: PendingSuccess, actions: readonly SuccessRetransmissionAction[]): void {
    driveRetransmission(pending, actions, {
      clock: this.#context.clock,
      onTimer: (state, now) => stepSuccessRetransmission(state, { kind: 'timer' }, now),
      retransmit: () => {
        // RFC 6026 §7.1: through the transaction while it is Accepted, else straight to the transport.
        if (pending.transaction.state === 'Accepted') pending.transaction.respond(pending.response);
        else
          void this.#context.transactions
            .sendStatelessResponse(pending.response, pending.transaction.source)
            .catch(() => undefined);
      },
      giveUp: () => {
        this.#pending.delete(seq);
        pending.onGiveUp?.();
        this.#gaveUp();
      },
    });
  }
}

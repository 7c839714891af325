/**
 * Timer C of a re-INVITE sent within a dialog (RFC 3261 §16.6 step 11,
 * §16.7 step 2, §16.8): without a final response that long after it was
 * sent or after its last provisional response other than 100, the
 * re-INVITE is cancelled and taken as a 408. Its CANCEL waits for a
 * provisional response (§9.1), and carries the re-INVITE's Session-ID
 * (RFC 7989 §6).
 */
import type { ClockTimer } from '../clock.js';
import type { ClientTransaction } from '../transaction/transaction-handles.js';
import { createCancel } from '../transaction/transaction-messages.js';
import type { DialogContext } from './dialog-types.js';

/** Sends the CANCEL of a client transaction's INVITE (§9.1), with its Session-ID (RFC 7989 §6). */
export function sendReinviteCancel(transactions: DialogContext['transactions'], transaction: ClientTransaction): void {
  const cancel = createCancel(transaction.request);
  const sessionId = transaction.request.headers.get('Session-ID');
  if (sessionId !== undefined) cancel.headers.append('Session-ID', sessionId);
  try {
    transactions.sendRequest(cancel, { destination: transaction.destination, onEvent: () => undefined });
  } catch {
    // The CANCEL could not start (limit reached): the re-INVITE has its answer (408) already.
  }
}

/** @internal Timer C of one re-INVITE, and the CANCEL it leads to. */
export class ReinviteTimerC {
  readonly #context: Pick<DialogContext, 'clock' | 'transactions'>;
  readonly #delay: number | undefined;
  readonly #fire: () => void;
  #timer: ClockTimer | undefined;
  #transaction: ClientTransaction | undefined;
  #timedOut = false;
  #proceeding = false;
  #cancelWanted = false;

  /** `delay` undefined: no Timer C. `fire` is called when it expires. */
  constructor(context: Pick<DialogContext, 'clock' | 'transactions'>, delay: number | undefined, fire: () => void) {
    this.#context = context;
    this.#delay = delay;
    this.#fire = fire;
  }

  /** True once Timer C expired. */
  get timedOut(): boolean {
    return this.#timedOut;
  }

  /** True while the CANCEL waits for a provisional response (§9.1). */
  get cancelWanted(): boolean {
    return this.#cancelWanted;
  }

  /** The re-INVITE went out on `transaction`. */
  sent(transaction: ClientTransaction): void {
    this.#transaction = transaction;
  }

  /** Starts Timer C, or starts it again. */
  arm(): void {
    if (this.#delay === undefined) return;
    this.#timer?.cancel();
    this.#timer = this.#context.clock.setTimer(this.#delay, () => {
      this.#timer = undefined;
      this.#fire();
    });
  }

  /** Stops Timer C (a final response came, or the transaction ended). */
  stop(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  /** A provisional response came: a CANCEL that waited for one goes now (§9.1). */
  provisional(): void {
    this.#proceeding = true;
    if (this.#cancelWanted) this.#sendCancel();
  }

  /** §16.8: Timer C expired: cancel the re-INVITE once a provisional response came (§9.1). */
  expire(): void {
    this.#timedOut = true;
    if (this.#proceeding) this.#sendCancel();
    else this.#cancelWanted = true;
  }

  #sendCancel(): void {
    if (this.#transaction === undefined) return;
    this.#cancelWanted = false;
    sendReinviteCancel(this.#context.transactions, this.#transaction);
  }
}

/**
 * The ACKs a dialog sent for the 2xx responses to its INVITEs (RFC 3261
 * §13.2.2.4). The UAC core answers every retransmission of a 2xx with the
 * same ACK, and a 2xx may be retransmitted for 64·T1 (§13.3.1.4): each ACK
 * is kept that long, and forgotten lazily, so that no timer holds the
 * dialog once it is over.
 */
import type { SipRequest } from '../message.js';
import { sealMessage } from '../sealed-message.js';
import type { Destination } from '../transport/transport.js';
import type { DialogContext } from './dialog-types.js';

/** One ACK sent, and until when it may be needed again. */
interface SentAck {
  readonly ack: SipRequest;
  readonly destination: Destination;
  /** When a retransmission of its 2xx can no longer come (64·T1 after it was sent). */
  readonly until: number;
}

/** @internal The ACKs of one dialog, by the CSeq number of the INVITE whose 2xx they acknowledge. */
export class SentAcks {
  readonly #context: Pick<DialogContext, 'clock' | 'timers' | 'transactions'>;
  readonly #acks = new Map<number, SentAck>();

  constructor(context: Pick<DialogContext, 'clock' | 'timers' | 'transactions'>) {
    this.#context = context;
  }

  /** The ACK sent for the 2xx to the INVITE `inviteSeq`, while a retransmission of that 2xx can still come. */
  get(inviteSeq: number): SipRequest | undefined {
    return this.#sent(inviteSeq)?.ack;
  }

  /** Sends the ACK of the 2xx to the INVITE `inviteSeq` again; false when there is none. */
  resend(inviteSeq: number): boolean {
    const sent = this.#sent(inviteSeq);
    if (sent === undefined) return false;
    this.#send(sent);
    return true;
  }

  /** Sends `ack`, the ACK of the 2xx to the INVITE `inviteSeq`, to `destination`, and keeps it for 64·T1. */
  send(inviteSeq: number, ack: SipRequest, destination: Destination): void {
    const now = this.#context.clock.now();
    // Kept for 64·T1 and forgotten lazily: no timer holds the dialog once it is over.
    for (const [seq, old] of this.#acks) if (old.until <= now) this.#acks.delete(seq);
    const sent: SentAck = { ack, destination, until: now + 64 * this.#context.timers.t1 };
    this.#acks.set(inviteSeq, sent);
    this.#send(sent);
  }

  /**
   * A function that sends the ACK of the 2xx to the INVITE `inviteSeq`
   * again, holding only that ACK and its destination (not the dialog).
   * Undefined when no such ACK was sent.
   */
  resender(inviteSeq: number): (() => void) | undefined {
    const sent = this.#sent(inviteSeq);
    if (sent === undefined) return undefined;
    const transactions = this.#context.transactions;
    // Its exact bytes, not the parsed ACK: a hundred thousand of these wait at a thousand calls a second.
    const ack = sealMessage(sent.ack);
    const destination = sent.destination;
    return () => {
      void transactions.sendStateless(ack, destination).catch(() => undefined);
    };
  }

  #sent(inviteSeq: number): SentAck | undefined {
    const sent = this.#acks.get(inviteSeq);
    if (sent === undefined || sent.until > this.#context.clock.now()) return sent;
    this.#acks.delete(inviteSeq);
    return undefined;
  }

  #send(sent: SentAck): void {
    void this.#context.transactions.sendStateless(sent.ack, sent.destination).catch(() => undefined);
  }
}

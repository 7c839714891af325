import type { SipRequest, SipResponse } from '../message.js';
import type { ServerTransaction } from '../transaction/transaction-handles.js';
import type { Dialog } from './dialog.js';
import { DialogError } from './dialog-error.js';
import type { ResponseOptions } from './dialog-types.js';

/** A request received within a dialog, waiting for the user's response. */
export class IncomingRequest {
  #answered = false;

  constructor(readonly request: SipRequest, readonly transaction: ServerTransaction, readonly dialog: Dialog) {}

  /** True once a final response was sent. */
  get answered(): boolean {
    return this.#answered;
  }

  /**
   * Sends a response. A 2xx to a re-INVITE or UPDATE carries our Contact
   * (§12.1.1, RFC 3311 §5.2); a 2xx to a re-INVITE is retransmitted until
   * its ACK (§13.3.1.4).
   */
  respond(status: number, options: ResponseOptions = {}): SipResponse {
    if (this.#answered) throw new DialogError('DIALOG_ERR_INVALID_STATE', 'the request was answered already');
    if (status >= 200) this.#answered = true;
    return this.dialog.respondWithin(this, status, options);
  }
}


import type { SipRequest, SipResponse } from '../message.js';
import type { ServerTransaction } from '../transaction/transaction-handles.js';
import { DialogError } from './dialog-error.js';

/** Header fields, body and reason of a response the user sends. */
export interface ResponseOptions {
  readonly reason?: string;
  readonly headers?: ReadonlyArray<readonly [string, string]>;
  readonly body?: Uint8Array;
}

/** Where an {@link IncomingRequest}'s response is sent: its dialog. */
export interface IncomingRequestResponder {
  respondWithin(incoming: IncomingRequest, status: number, options: ResponseOptions): SipResponse;
}

/** A request received within a dialog, waiting for the user's response. */
export class IncomingRequest {
  #answered = false;
  readonly #responder: IncomingRequestResponder;

  constructor(
    readonly request: SipRequest,
    readonly transaction: ServerTransaction,
    responder: IncomingRequestResponder,
  ) {
    this.#responder = responder;
  }

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
    return this.#responder.respondWithin(this, status, options);
  }
}

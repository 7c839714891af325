/**
 * The UAS core's side of an INVITE outside any dialog (RFC 3261 §13.3): one
 * To tag for every response, the early dialog from the first 101–299
 * response (§12.1.1), the 2xx retransmitted until its ACK (§13.3.1.4),
 * CANCEL answered and the INVITE ended with 487 (§9.2), a BYE in the early
 * dialog ending it with 487 too (§15.1.2).
 */
import type { SipRequest, SipResponse } from '../message.js';
import type { ServerTransaction } from '../transaction/transaction-handles.js';
import { createResponse, createTag } from '../transaction/transaction-messages.js';
import type { Dialog } from './dialog.js';
import type { DialogContext, ResponseOptions } from './dialog-types.js';
import { DialogError } from './dialog-error.js';
import { type DialogState, createUasDialog } from './dialog-state.js';

/** States of an incoming INVITE, as the UAS core sees it. */
export type ServerInviteStateName = 'Proceeding' | 'Answered' | 'Rejected';

/** What an incoming INVITE tells its user. */
export type ServerInviteEvent =
  /** The caller cancelled (§9.2): the CANCEL got 200 and the INVITE 487. */
  | { readonly kind: 'cancelled'; readonly request: SipRequest }
  /** The caller sent BYE in the early dialog (§15.1.2): the INVITE got 487. */
  | { readonly kind: 'byeBeforeAnswer'; readonly request: SipRequest | undefined }
  /** The ACK of our 2xx (§13.3.1.4), with its body when it carries the answer. */
  | { readonly kind: 'acked'; readonly ack: SipRequest }
  /** No ACK for our 2xx within 64·T1: the dialog was ended with a BYE (§13.3.1.4). */
  | { readonly kind: 'ackTimeout' };

/** What a {@link ServerInvite} needs from the dialog layer. */
export interface ServerInviteContext extends DialogContext {
  addDialog(state: DialogState, protocol: ServerTransaction['source']['protocol']): Dialog;
  /** The INVITE got its final response: a CANCEL now only needs its To tag (§9.2). */
  inviteSettled(invite: ServerInvite): void;
}

/** An INVITE received outside any dialog, waiting for the user's responses. */
export class ServerInvite {
  /** The To tag of every response we send to it (one dialog per INVITE on this side). */
  readonly localTag = createTag();
  readonly #context: ServerInviteContext;
  #listener: ((event: ServerInviteEvent) => void) | undefined;
  #state: ServerInviteStateName = 'Proceeding';
  #dialog: Dialog | undefined;

  /** @internal Created by the {@link DialogLayer}. */
  constructor(context: ServerInviteContext, readonly request: SipRequest, readonly transaction: ServerTransaction) {
    this.#context = context;
  }

  /** Where the INVITE stands. */
  get state(): ServerInviteStateName {
    return this.#state;
  }

  /** The dialog, once a 101–299 response was sent. */
  get dialog(): Dialog | undefined {
    return this.#dialog;
  }

  /** Sets who hears the INVITE's events. */
  onEvent(listener: ((event: ServerInviteEvent) => void) | undefined): void {
    this.#listener = listener;
  }

  /**
   * Sends a response. 101–299 create the early dialog and carry our Contact
   * (§12.1.1); a 2xx confirms it and is retransmitted until its ACK
   * (§13.3.1.4); 300–699 end it (§12.3). Throws `DIALOG_ERR_INVALID_STATE`
   * after a final response.
   */
  respond(status: number, options: ResponseOptions = {}): SipResponse {
    if (this.#state !== 'Proceeding') throw new DialogError('DIALOG_ERR_INVALID_STATE', `the INVITE was ${this.#state.toLowerCase()} already`);
    const headers: Array<readonly [string, string]> = [];
    const establishing = status > 100 && status < 300;
    if (establishing) headers.push(['Contact', this.#context.contactFor(this.transaction.source.protocol)]);
    if (options.headers !== undefined) headers.push(...options.headers);
    const response = createResponse(this.request, status, {
      headers,
      ...(status > 100 ? { toTag: this.localTag } : {}),
      ...(options.reason === undefined ? {} : { reason: options.reason }),
      ...(options.body === undefined ? {} : { body: options.body }),
    });
    if (establishing && this.#dialog === undefined) {
      const dialog = this.#context.addDialog(createUasDialog(this.request, this.localTag, this.transaction.source.protocol === 'TLS'), this.transaction.source.protocol);
      dialog.onEarlyBye = () => {
        if (this.#state !== 'Proceeding') return;
        const listener = this.#listener;
        this.respond(487);
        listener?.({ kind: 'byeBeforeAnswer', request: undefined });
      };
      this.#dialog = dialog;
    }
    if (status >= 200) this.#state = status < 300 ? 'Answered' : 'Rejected';
    this.transaction.respond(response);
    if (status >= 200) this.#context.inviteSettled(this);
    const dialog = this.#dialog;
    // A rejected INVITE tells nothing more (a CANCEL now only gets its 200): let the listener go.
    if (status >= 300) this.#listener = undefined;
    if (dialog !== undefined) {
      if (status >= 200) dialog.onEarlyBye = undefined;
      if (status >= 300) dialog.terminate('Rejected');
      else if (status >= 200) {
        dialog.startSuccessRetransmission(response, this.transaction, {
          onAck: (ack) => this.#tellLast({ kind: 'acked', ack }),
          onGiveUp: () => this.#tellLast({ kind: 'ackTimeout' }),
        });
      }
    }
    return response;
  }

  /** @internal A CANCEL matched to this INVITE (§9.2). */
  receiveCancel(cancel: SipRequest, transaction: ServerTransaction): void {
    // §9.2: the CANCEL gets 200 with the To tag the INVITE's responses carry.
    transaction.respond(createResponse(cancel, 200, { toTag: this.localTag }));
    if (this.#state !== 'Proceeding') return;
    const listener = this.#listener;
    this.respond(487);
    listener?.({ kind: 'cancelled', request: cancel });
  }

  /**
   * The INVITE's last event: after it the listener is dropped, so that the
   * user's objects are not kept while the transaction lingers (Timer L, 64·T1).
   */
  #tellLast(event: ServerInviteEvent): void {
    const listener = this.#listener;
    this.#listener = undefined;
    listener?.(event);
  }
}

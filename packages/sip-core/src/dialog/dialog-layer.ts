/**
 * The dialog layer of one stack instance (RFC 3261 §12–§15): the
 * transaction user on top of a {@link TransactionLayer}. It matches
 * requests to dialogs (§12.2.2), hands new INVITEs to the application as
 * {@link ServerInvite}s, starts outgoing INVITEs as {@link ClientInvite}s,
 * answers CANCEL (§9.2), and sends the ACK of each 2xx again when the 2xx
 * comes again after its transaction ended (§13.2.2.4).
 */
import type { Clock } from '../clock.js';
import type { SipRequest, SipResponse } from '../message.js';
import type { ServerTransaction, TransactionUser } from '../transaction/transaction-handles.js';
import { TransactionLayer, type TransactionLimits } from '../transaction/transaction-layer.js';
import { createResponse, createTag } from '../transaction/transaction-messages.js';
import type { TimerValues } from '../transaction/timers.js';
import type { TransportLayer } from '../transport/transport-layer.js';
import { type Destination, type MessageSource, type TransportProtocol, defaultPort } from '../transport/transport.js';
import type { Uri } from '../uri.js';
import { ClientInvite, type ClientInviteContext } from './client-invite.js';
import { Dialog } from './dialog.js';
import { DialogError } from './dialog-error.js';
import { type DialogState, dialogKey, requestDialogKey, responseDialogKey } from './dialog-state.js';
import { ServerInvite, type ServerInviteContext } from './server-invite.js';

/** Options of {@link DialogLayer}. */
export interface DialogLayerOptions {
  readonly clock: Clock;
  readonly transport: TransportLayer;
  readonly timers?: Partial<TimerValues>;
  readonly limits?: Partial<TransactionLimits>;
  /** A new INVITE outside any dialog. Without a handler it is answered 480. */
  readonly onInvite?: (invite: ServerInvite) => void;
  /** Any other new request outside a dialog (not CANCEL, ACK). Default: OPTIONS 200, others 405. */
  readonly onRequest?: (request: SipRequest, transaction: ServerTransaction) => void;
  /** Our Contact header value for a transport. Default: the transport's sent-by. */
  readonly contact?: (protocol: TransportProtocol) => string;
  /** The destination of a next-hop URI. Default: its host, port and `transport` parameter (no DNS). */
  readonly resolve?: (uri: Uri) => Destination;
  /**
   * Timer C of the B2BUA legs of this stack (RFC 3261 §16.6 step 11: more
   * than 3 minutes), ms: how long an outgoing INVITE of a leg, or a
   * re-INVITE relayed between legs, may go without a final response after
   * it was sent or after its last provisional response. Default
   * {@link DEFAULT_TIMER_C} (180,000); a `B2buaCall` of `@sipbreakout/b2bua` may set its own.
   */
  readonly timerC?: number;
}

/** The default Timer C of B2BUA legs: 180,000 ms, RFC 3261 §16.6's "greater than 3 minutes" taken at its bound. */
export const DEFAULT_TIMER_C = 180_000;

/** Options of {@link DialogLayer.invite}. */
export interface InviteOptions {
  readonly destination: Destination;
  /** ACK the first 2xx at once (default true); false to ACK it with {@link ClientInvite.ack}. */
  readonly autoAck?: boolean;
  /** PRACK reliable provisional responses at once (`'auto'`, default) or with {@link ClientInvite.prack}. */
  readonly prack?: 'auto' | 'manual';
  /** Timer C of this INVITE, ms (RFC 3261 §16.6 step 11; see `ClientInviteOptions.timerC`); default none. */
  readonly timerC?: number;
}

/** The methods this layer answers to in `Allow` (RFC 3261 §20.5). */
export const DIALOG_ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, INFO, PRACK';

/** The dialog layer. Wire its {@link DialogLayer.transactions} as the transport layer's receiver. */
export class DialogLayer implements TransactionUser, ClientInviteContext, ServerInviteContext {
  readonly clock: Clock;
  readonly transactions: TransactionLayer;
  readonly #transport: TransportLayer;
  readonly #dialogs = new Map<string, Dialog>();
  /**
   * INVITE server transactions → their INVITE while it waits for a final
   * response, then only its To tag: a CANCEL after the final response gets
   * 200 with that tag and changes nothing (§9.2), and the INVITE's objects
   * are not kept while the transaction lingers (RFC 6026 Timer L).
   */
  readonly #serverInvites = new WeakMap<ServerTransaction, ServerInvite | string>();
  readonly #options: DialogLayerOptions;
  /** Called with each new incoming INVITE; may be set after construction. */
  onInvite: ((invite: ServerInvite) => void) | undefined;

  constructor(options: DialogLayerOptions) {
    this.clock = options.clock;
    this.#transport = options.transport;
    this.#options = options;
    this.onInvite = options.onInvite;
    this.transactions = new TransactionLayer({
      clock: options.clock,
      transport: options.transport,
      user: this,
      ...(options.timers === undefined ? {} : { timers: options.timers }),
      ...(options.limits === undefined ? {} : { limits: options.limits }),
    });
  }

  /** Timer C of this stack's B2BUA legs, ms (see {@link DialogLayerOptions.timerC}). */
  get timerC(): number {
    return this.#options.timerC ?? DEFAULT_TIMER_C;
  }

  /** T1, T2, T4 of this instance. */
  get timers(): TimerValues {
    return this.transactions.timers;
  }

  /** How many dialogs are known (early, confirmed, or terminated and lingering). */
  get size(): number {
    return this.#dialogs.size;
  }

  /** The dialog with this ID, if known. */
  find(id: DialogState['id']): Dialog | undefined {
    return this.#dialogs.get(dialogKey(id));
  }

  /**
   * Sends an INVITE outside any dialog (RFC 3261 §13.2.1). A From without a
   * tag gets one; a missing Max-Forwards, Contact or CSeq is added.
   */
  invite(request: SipRequest, options: InviteOptions): ClientInvite {
    if (request.method !== 'INVITE') throw new DialogError('DIALOG_ERR_BAD_METHOD', 'invite() sends an INVITE');
    const from = request.headers.get('From');
    if (from !== undefined && request.from.tag === undefined) request.headers.set('From', `${from};tag=${createTag()}`);
    if (!request.headers.has('Max-Forwards')) request.headers.append('Max-Forwards', '70');
    if (!request.headers.has('CSeq')) request.headers.append('CSeq', '1 INVITE');
    if (!request.headers.has('Contact'))
      request.headers.append('Contact', this.contactFor(options.destination.protocol));
    const invite = new ClientInvite(this, request, {
      destination: options.destination,
      ...(options.autoAck === undefined ? {} : { autoAck: options.autoAck }),
      ...(options.prack === undefined ? {} : { prack: options.prack }),
      ...(options.timerC === undefined ? {} : { timerC: options.timerC }),
    });
    invite.start();
    return invite;
  }

  /** Stops every timer and forgets every transaction and dialog. */
  close(): void {
    this.transactions.close();
    this.#dialogs.clear();
  }

  // ---- DialogContext ----

  /** @internal */
  resolve(uri: Uri): Destination {
    if (this.#options.resolve !== undefined) return this.#options.resolve(uri);
    return resolveSipUri(uri);
  }

  /** @internal */
  contactFor(protocol: TransportProtocol): string {
    if (this.#options.contact !== undefined) return this.#options.contact(protocol);
    const t = this.#transport.transport(protocol) ?? this.#transport.transports[0];
    const host = t === undefined ? '127.0.0.1' : t.sentBy.host.includes(':') ? `[${t.sentBy.host}]` : t.sentBy.host;
    const port = t === undefined ? 5060 : t.sentBy.port;
    const scheme = protocol === 'TLS' || protocol === 'WSS' ? 'sips' : 'sip';
    return `<${scheme}:${host}:${port}${protocol === 'UDP' ? '' : `;transport=${protocol.toLowerCase()}`}>`;
  }

  /**
   * @internal A terminated dialog leaves the table at once: a late request
   * gets the same 481 without it (§12.2.2), a retransmitted request is
   * absorbed by its server transaction, and a retransmitted 2xx of the
   * initial INVITE still reaches the dialog through its client transaction
   * (Accepted, Timer M, RFC 6026) to be ACKed again. Keeping it 64·T1 more
   * would only hold memory: at a thousand calls a second, tens of thousands
   * of dialogs.
   */
  forget(dialog: Dialog): void {
    const key = dialogKey(dialog.id);
    if (this.#dialogs.get(key) === dialog) this.#dialogs.delete(key);
  }

  /** @internal */
  inviteSettled(invite: ServerInvite): void {
    this.#serverInvites.set(invite.transaction, invite.localTag);
  }

  /** @internal */
  addDialog(state: DialogState, protocol: TransportProtocol): Dialog {
    const dialog = new Dialog(state, this, protocol);
    this.#dialogs.set(dialogKey(state.id), dialog);
    return dialog;
  }

  // ---- TransactionUser ----

  /** @internal */
  onRequest(request: SipRequest, transaction: ServerTransaction): void {
    if (request.method === 'CANCEL') {
      const invite = transaction.cancels === undefined ? undefined : this.#serverInvites.get(transaction.cancels);
      // §9.2: a CANCEL that matches no INVITE transaction gets 481.
      if (invite === undefined) transaction.respond(createResponse(request, 481));
      else if (typeof invite === 'string') transaction.respond(createResponse(request, 200, { toTag: invite }));
      else invite.receiveCancel(request, transaction);
      return;
    }
    const key = requestDialogKey(request);
    if (key !== undefined) {
      const dialog = this.#dialogs.get(key);
      // §12.2.2: a request with a To tag that matches no dialog gets 481.
      if (dialog === undefined) transaction.respond(createResponse(request, 481));
      else dialog.receiveRequest(request, transaction);
      return;
    }
    if (request.method === 'INVITE') {
      const invite = new ServerInvite(this, request, transaction);
      this.#serverInvites.set(transaction, invite);
      if (this.onInvite === undefined) invite.respond(480);
      else this.onInvite(invite);
      return;
    }
    if (this.#options.onRequest !== undefined) {
      this.#options.onRequest(request, transaction);
      return;
    }
    const status = request.method === 'OPTIONS' ? 200 : 405;
    // §8.2.1: a 405 lists the methods we allow.
    transaction.respond(createResponse(request, status, { toTag: createTag(), headers: [['Allow', DIALOG_ALLOW]] }));
  }

  /** @internal */
  onAck(ack: SipRequest, _source: MessageSource): void {
    const key = requestDialogKey(ack);
    if (key !== undefined) this.#dialogs.get(key)?.receiveAck(ack);
  }

  /** @internal */
  onStrayResponse(response: SipResponse, _source: MessageSource): void {
    // §13.2.2.4: a 2xx retransmission after the INVITE transaction ended gets its ACK again.
    if (response.cseq.method !== 'INVITE' || response.status < 200 || response.status >= 300) return;
    const key = responseDialogKey(response);
    if (key !== undefined) this.#dialogs.get(key)?.receiveSuccessRetransmission(response);
  }
}

/**
 * The destination of a SIP URI without DNS: its host (brackets removed),
 * port (or the transport's default), and transport (`transport` parameter,
 * TLS for `sips:`, else UDP). Throws `DIALOG_ERR_BAD_TARGET` for another
 * scheme.
 */
export function resolveSipUri(uri: Uri): Destination {
  if (uri.kind !== 'sip') throw new DialogError('DIALOG_ERR_BAD_TARGET', `cannot reach a ${uri.scheme}: URI`);
  const param = uri.params.get('transport');
  const named = typeof param === 'string' ? param.toUpperCase() : undefined;
  const protocol: TransportProtocol =
    named === 'TCP' || named === 'TLS' || named === 'WS' || named === 'WSS' || named === 'UDP'
      ? named
      : uri.scheme === 'sips'
        ? 'TLS'
        : 'UDP';
  const host = uri.host.startsWith('[') ? uri.host.slice(1, -1) : uri.host;
  return { protocol, host, port: uri.port ?? defaultPort(protocol) };
}

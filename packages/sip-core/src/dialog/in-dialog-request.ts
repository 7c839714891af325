/**
 * Requests within a dialog (RFC 3261 §12.2.1.1) and the ACK of a 2xx built
 * by the UAC core (§13.2.2.4), as pure functions of the dialog state.
 */
import { SipRequest } from '../message.js';
import { type NameAddress, parseNameAddressValue } from '../name-address.js';
import { serializeUri, type Uri } from '../uri.js';
import type { DialogState } from './dialog-state.js';
import { DialogError } from './dialog-error.js';

/** Header fields and body for a request built by the dialog. */
export interface InDialogRequestOptions {
  /** Extra header fields, appended after the ones the dialog writes. */
  readonly headers?: ReadonlyArray<readonly [string, string]>;
  readonly body?: Uint8Array;
  /** Our Contact for a target-refresh request (INVITE, UPDATE), as a header value. */
  readonly contact?: string;
  /** Max-Forwards; default 70 (§8.1.1.6). */
  readonly maxForwards?: number;
}

/** What {@link createInDialogRequest} built: the request and where it goes first (§8.1.2). */
export interface InDialogRequest {
  readonly request: SipRequest;
  /** The URI to resolve to a destination: the first Route's, else the Request-URI. */
  readonly nextHop: Uri;
}

function parseRoute(value: string): NameAddress {
  const out: NameAddress[] = [];
  if (!parseNameAddressValue(value, false, out) || out[0] === undefined)
    throw new DialogError('DIALOG_ERR_BAD_TARGET', `bad route ${value}`);
  return out[0];
}

/**
 * A request within the dialog (RFC 3261 §12.2.1.1) with CSeq number `seq`:
 * To is the remote address with its tag, From the local one with ours, the
 * Call-ID the dialog's. With an empty route set the Request-URI is the
 * remote target; with a loose router first (`lr`), the Request-URI is the
 * remote target and Route the route set; with a strict router first, the
 * Request-URI is that route's URI and the remote target goes last in Route.
 * No Via: the transaction layer adds it.
 */
export function createInDialogRequest(
  state: DialogState,
  method: string,
  seq: number,
  options: InDialogRequestOptions = {},
): InDialogRequest {
  const target = state.remoteTarget;
  if (target === undefined) throw new DialogError('DIALOG_ERR_NO_TARGET');
  let uri: Uri = target;
  let routes: string[] = [...state.routeSet];
  let nextHop: Uri = target;
  const first = routes[0];
  if (first !== undefined) {
    const firstRoute = parseRoute(first);
    nextHop = firstRoute.uri;
    if (firstRoute.uri.kind !== 'sip' || !firstRoute.uri.params.has('lr')) {
      // §12.2.1.1: a strict router: it becomes the Request-URI; the remote target goes last.
      uri = firstRoute.uri;
      routes = [...routes.slice(1), `<${serializeUri(target)}>`];
    }
  }
  const headers: Array<readonly [string, string]> = [];
  for (const r of routes) headers.push(['Route', r]);
  headers.push(['Max-Forwards', String(options.maxForwards ?? 70)]);
  headers.push(['From', state.localAddress]);
  headers.push(['To', state.remoteAddress]);
  headers.push(['Call-ID', state.id.callId]);
  headers.push(['CSeq', `${seq} ${method}`]);
  if (options.contact !== undefined) headers.push(['Contact', options.contact]);
  if (options.headers !== undefined) headers.push(...options.headers);
  return {
    request: new SipRequest({ method, uri, headers, ...(options.body === undefined ? {} : { body: options.body }) }),
    nextHop,
  };
}

/**
 * The ACK of a 2xx to an INVITE of the dialog (RFC 3261 §13.2.2.4): built
 * like any request within the dialog, with the INVITE's CSeq number and
 * method ACK; a new transaction (its own branch), never one of the INVITE's.
 */
export function createSuccessAck(
  state: DialogState,
  inviteSeq: number,
  options: Omit<InDialogRequestOptions, 'contact'> = {},
): InDialogRequest {
  return createInDialogRequest(state, 'ACK', inviteSeq, options);
}

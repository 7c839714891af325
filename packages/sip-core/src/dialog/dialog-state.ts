/**
 * The state of one dialog (RFC 3261 §12) as plain data, and the pure
 * functions that create and update it: from the INVITE and a response on
 * the UAC side (§12.1.2), from the INVITE and our tag on the UAS side
 * (§12.1.1), target refresh (§12.2.1.2, §12.2.2), and the remote CSeq check
 * of §12.2.2.
 */
import type { SipRequest, SipResponse } from '../message.js';
import { parseUri, serializeUri, type Uri } from '../uri.js';
import { ownString } from '../own-string.js';

/** Which side of the dialog we are (RFC 3261 §12.1). */
export type DialogRole = 'UAC' | 'UAS';

/** States of a dialog (RFC 3261 §12: early, confirmed, terminated). */
export type DialogStateName = 'Early' | 'Confirmed' | 'Terminated';

/** The dialog ID of RFC 3261 §12: Call-ID, local tag, remote tag. */
export interface DialogId {
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
}

/** Everything a dialog remembers (RFC 3261 §12 "dialog state"). */
export interface DialogState {
  readonly role: DialogRole;
  readonly name: DialogStateName;
  readonly id: DialogId;
  /** Our side's From (UAC) or To (UAS) value, tag included, as written. */
  readonly localAddress: string;
  /** The peer's side, tag included, as written. */
  readonly remoteAddress: string;
  /** The last CSeq number we used; undefined when none yet (UAS, §12.1.1). */
  readonly localSeq: number | undefined;
  /** The last CSeq number the peer used; undefined when none yet (UAC, §12.1.2). */
  readonly remoteSeq: number | undefined;
  /** The peer's Contact URI (§12.1.1, §12.1.2), updated by target refresh. */
  readonly remoteTarget: Uri | undefined;
  /** Record-Route values as written: request order (UAS), reversed (UAC). */
  readonly routeSet: readonly string[];
  /** True when the dialog was set up over TLS with a sips Request-URI (§12.1.1). */
  readonly secure: boolean;
}

/** The key under which a dialog is found: Call-ID, local tag, remote tag. */
export function dialogKey(id: DialogId): string {
  return `${id.callId}\u0000${id.localTag}\u0000${id.remoteTag}`;
}

/**
 * The key of the dialog an incoming request belongs to (§12.2.2): the To tag
 * is ours, the From tag the peer's. Undefined when the request has no To tag.
 */
export function requestDialogKey(request: SipRequest): string | undefined {
  const local = request.to.tag;
  if (local === undefined) return undefined;
  return dialogKey({ callId: request.callId, localTag: local, remoteTag: request.from.tag ?? '' });
}

/** The key of the dialog a response to our request belongs to: From tag ours, To tag the peer's. */
export function responseDialogKey(response: SipResponse): string | undefined {
  const remote = response.to.tag;
  const local = response.from.tag;
  if (remote === undefined || local === undefined) return undefined;
  return dialogKey({ callId: response.callId, localTag: local, remoteTag: remote });
}

/** The URI `uri` with strings of its own (see {@link ownString}). */
function ownUri(uri: Uri): Uri {
  const copy = parseUri(ownString(serializeUri(uri)));
  return copy.ok ? copy.uri : uri;
}

function contactUri(message: SipRequest | SipResponse): Uri | undefined {
  for (const c of message.contact) if (!c.star) return ownUri(c.uri);
  return undefined;
}

/**
 * The UAC's dialog from a 101–299 response with a To tag to `invite`
 * (RFC 3261 §12.1.2): route set from Record-Route reversed, remote target
 * from Contact, local CSeq from the INVITE, remote CSeq empty. Early for a
 * provisional response, Confirmed for a 2xx.
 */
export function createUacDialog(invite: SipRequest, response: SipResponse, secure = false): DialogState {
  const routeSet = response.headers.getAll('Record-Route').flatMap(splitList).reverse().map(ownString);
  return {
    role: 'UAC',
    name: response.status >= 200 && response.status < 300 ? 'Confirmed' : 'Early',
    id: {
      callId: ownString(invite.callId),
      localTag: ownString(invite.from.tag ?? ''),
      remoteTag: ownString(response.to.tag ?? ''),
    },
    localAddress: ownString(invite.headers.get('From') ?? ''),
    remoteAddress: ownString(response.headers.get('To') ?? ''),
    localSeq: invite.cseq.seq,
    remoteSeq: undefined,
    remoteTarget: contactUri(response),
    routeSet,
    secure: secure || (invite.uri.kind === 'sip' && invite.uri.scheme === 'sips'),
  };
}

/**
 * The UAS's dialog from `invite` and our `localTag` (RFC 3261 §12.1.1):
 * route set from Record-Route in order, remote target from Contact, remote
 * CSeq from the INVITE, local CSeq empty. Starts Early; a 2xx confirms it.
 */
export function createUasDialog(invite: SipRequest, localTag: string, secure = false): DialogState {
  const to = invite.headers.get('To') ?? '';
  return {
    role: 'UAS',
    name: 'Early',
    id: { callId: ownString(invite.callId), localTag, remoteTag: ownString(invite.from.tag ?? '') },
    localAddress: ownString(invite.to.tag === undefined ? `${to};tag=${localTag}` : to),
    remoteAddress: ownString(invite.headers.get('From') ?? ''),
    localSeq: undefined,
    remoteSeq: invite.cseq.seq,
    remoteTarget: contactUri(invite),
    routeSet: invite.headers.getAll('Record-Route').flatMap(splitList).map(ownString),
    secure: secure || (invite.uri.kind === 'sip' && invite.uri.scheme === 'sips'),
  };
}

/** The dialog moved to Confirmed (a 2xx was sent or received, §12.1). */
export function confirmDialog(state: DialogState): DialogState {
  return state.name === 'Early' ? { ...state, name: 'Confirmed' } : state;
}

/** The dialog moved to Terminated. */
export function terminateDialog(state: DialogState): DialogState {
  return state.name === 'Terminated' ? state : { ...state, name: 'Terminated' };
}

/**
 * Target refresh (RFC 3261 §12.2.1.2, §12.2.2; RFC 3311 §5): a re-INVITE or
 * UPDATE, or a 2xx to one, with a Contact replaces the remote target. The
 * route set is never changed by it.
 */
export function refreshTarget(state: DialogState, message: SipRequest | SipResponse): DialogState {
  const uri = contactUri(message);
  return uri === undefined ? state : { ...state, remoteTarget: uri };
}

/** The verdict of {@link acceptRemoteCSeq}. */
export type RemoteCSeqVerdict =
  | { readonly ok: true; readonly state: DialogState }
  /** §12.2.2: lower than the remote CSeq: answer 500. */
  | { readonly ok: false; readonly status: 500 };

/**
 * RFC 3261 §12.2.2: a request whose CSeq is lower than the remote CSeq is
 * out of order and answered with 500; otherwise the remote CSeq becomes its
 * number. An ACK or CANCEL carries the CSeq of the request it goes with and
 * is not checked here.
 */
export function acceptRemoteCSeq(state: DialogState, request: SipRequest): RemoteCSeqVerdict {
  const seq = request.cseq.seq;
  if (state.remoteSeq !== undefined && seq < state.remoteSeq) return { ok: false, status: 500 };
  return { ok: true, state: { ...state, remoteSeq: seq } };
}

/** The next local CSeq number and the state that remembers it (§12.2.1.1: one more than the last). */
export function nextLocalSeq(state: DialogState): { readonly seq: number; readonly state: DialogState } {
  const seq = (state.localSeq ?? 0) + 1;
  return { seq, state: { ...state, localSeq: seq } };
}

/** A readable form of the dialog ID, for logs. */
export function describeDialog(state: DialogState): string {
  return `${state.role} ${state.name} ${state.id.callId} local=${state.id.localTag} remote=${state.id.remoteTag} target=${state.remoteTarget === undefined ? '-' : serializeUri(state.remoteTarget)}`;
}

/** Splits a comma-separated Record-Route value into its entries (commas inside <> or quotes kept). */
export function splitList(value: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '<') depth++;
    else if (c === '>') depth--;
    else if (c === ',' && depth === 0) {
      out.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = value.slice(start).trim();
  if (last.length > 0) out.push(last);
  return out;
}

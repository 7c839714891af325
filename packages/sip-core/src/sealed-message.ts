/**
 * What a transaction keeps of its messages while it only lingers (RFC 3261
 * §17, RFC 6026: up to 64·T1 absorbing retransmissions and resending what it
 * sent). At a thousand calls a second a hundred thousand such transactions
 * wait at once. A parsed message costs kilobytes: its header arrays, typed
 * values, and the input string its values are cut from. These forms cost a
 * few hundred bytes:
 * - the identity of a request it will not send again, as text, read back
 *   into a message only when asked for;
 * - a sealed copy of a response or ACK it may resend: the exact bytes, plus
 *   the header fields the transport and matching read (Via, and To on a
 *   response).
 * @internal
 */
import { SipError } from './errors.js';
import { type SipMessage, SipRequest, SipResponse, TrackedHeaders } from './message.js';
import { ownString } from './own-string.js';
import { parseMessage } from './parse-message.js';
import { serializeMessage } from './serialize-message.js';
import { parseUri, serializeUri } from './uri.js';

/** The header fields that identify a request's transaction and dialog (RFC 3261 §17.1.3, §17.2.3, §12). */
const IDENTITY: ReadonlySet<string> = new Set(['via', 'from', 'to', 'call-id', 'cseq']);

/** What a sealed request keeps besides its bytes: the Via the transport stamps and matching reads. */
const SEALED_REQUEST: ReadonlySet<string> = new Set(['via']);

/** And a sealed response: the Via it is routed by (§18.2.2), the To whose tag an RFC 2543 ACK is matched on (§17.2.3). */
const SEALED_RESPONSE: ReadonlySet<string> = new Set(['via', 'to']);

/** The header fields of `message` in `keep`, in strings of their own, in arrays of the exact size. */
function headersOf(message: SipMessage, keep: ReadonlySet<string>): TrackedHeaders {
  const { names, keys, values } = message.headers;
  let count = 0;
  for (let i = 0; i < keys.length; i++) if (keep.has(keys[i] as string)) count++;
  const n = new Array<string>(count);
  const k = new Array<string>(count);
  const v = new Array<string>(count);
  for (let i = 0, j = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (!keep.has(key)) continue;
    n[j] = ownString(names[i] as string);
    k[j] = key;
    v[j] = ownString(values[i] as string);
    j++;
  }
  return new TrackedHeaders(n, k, v);
}

/**
 * The start line and the Via, From, To, Call-ID and CSeq of `request`, as
 * one string of its own (a message with no body); {@link readIdentity}
 * reads it back.
 */
export function identityText(request: SipRequest): string {
  const bytes = serializeMessage(
    new SipRequest({ method: request.method, uri: request.uri, headers: headersOf(request, IDENTITY) }),
  );
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}

/** The request {@link identityText} wrote: a new message on each call. */
export function readIdentity(text: string): SipRequest {
  const parsed = parseMessage(Buffer.from(text, 'latin1'));
  if (!parsed.ok) throw new SipError(parsed.error.code, `not the identity of a request: ${text.slice(0, 40)}`);
  if (parsed.message.kind !== 'request')
    throw new SipError('SIP_ERR_NOT_A_REQUEST', `not the identity of a request: ${text.slice(0, 40)}`);
  return parsed.message;
}

/**
 * A copy of `message` that serializes to the exact bytes of the original
 * whatever its headers say, and keeps only its start line and the header
 * fields its sender and matcher read (Via; and To on a response), no body.
 */
export function sealMessage<M extends SipMessage>(message: M): M {
  const bytes = serializeMessage(message);
  const wire = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  let copy: SipMessage;
  if (message.kind === 'response') {
    copy = new SipResponse({
      status: message.status,
      reason: ownString(message.reason),
      headers: headersOf(message, SEALED_RESPONSE),
    });
  } else {
    const uri = parseUri(ownString(serializeUri(message.uri)));
    copy = new SipRequest({
      method: ownString(message.method),
      uri: uri.ok ? uri.uri : message.uri,
      headers: headersOf(message, SEALED_REQUEST),
    });
  }
  copy.wire = wire;
  return copy as M;
}

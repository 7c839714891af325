import { defineErrorFamily, type ErrorTable } from '../error-kit.js';

/**
 * Stable error codes of the transport layer (RFC 3261 §18). A connection
 * that could not be opened is a `TRANSPORT_ERR_CONNECT`; when the transport
 * itself gave up, its `cause` says why (`TRANSPORT_ERR_CONNECT_TIMEOUT`,
 * `TRANSPORT_ERR_SUBPROTOCOL`).
 */
export const TRANSPORT_ERROR_CODES = {
  TRANSPORT_ERR_NO_TRANSPORT: { message: 'no transport of the required protocol is configured' },
  TRANSPORT_ERR_CONNECT: { message: 'the connection could not be opened' },
  TRANSPORT_ERR_CONNECT_TIMEOUT: { message: 'the connection did not open within the connect timeout' },
  // RFC 7118 §4.1: a server that did not accept `sip` is not a SIP WebSocket server.
  TRANSPORT_ERR_SUBPROTOCOL: { message: 'the WebSocket server did not accept the "sip" subprotocol' },
  TRANSPORT_ERR_CLOSED: { message: 'the connection or socket is closed' },
  TRANSPORT_ERR_SEND: { message: 'the message could not be sent' },
  TRANSPORT_ERR_CONNECTION_LIMIT: { message: 'the configured limit on open connections is reached' },
  TRANSPORT_ERR_MESSAGE_TOO_LARGE: { message: 'the message is larger than the transport allows' },
  TRANSPORT_ERR_UNROUTABLE: { message: 'the response cannot be routed from its Via' },
  TRANSPORT_ERR_NOT_LISTENING: { message: 'the transport is not listening' },
} as const satisfies ErrorTable<'TRANSPORT_ERR'>;

/** One of the stable `TRANSPORT_ERR_…` codes. */
export type TransportErrorCode = keyof typeof TRANSPORT_ERROR_CODES;

const TRANSPORT_ERRORS = defineErrorFamily('TransportError', 'TRANSPORT_ERR', TRANSPORT_ERROR_CODES);

/** An error of a transport; check it with {@link isTransportError}. */
export class TransportError extends TRANSPORT_ERRORS.Error {}

/**
 * True when `value` is a {@link TransportError} (from any copy of this package)
 * and, when `code` is given, carries that code.
 */
export function isTransportError(value: unknown, code?: TransportErrorCode): value is TransportError {
  return TRANSPORT_ERRORS.is(value, code);
}

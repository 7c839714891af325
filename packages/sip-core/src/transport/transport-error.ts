/**
 * Stable error codes of the transport layer (RFC 3261 §18).
 */
export const TRANSPORT_ERROR_CODES = {
  TRANSPORT_ERR_NO_TRANSPORT: 'no transport of the required protocol is configured',
  TRANSPORT_ERR_CONNECT: 'the connection could not be opened',
  TRANSPORT_ERR_CLOSED: 'the connection or socket is closed',
  TRANSPORT_ERR_SEND: 'the message could not be sent',
  TRANSPORT_ERR_CONNECTION_LIMIT: 'the configured limit on open connections is reached',
  TRANSPORT_ERR_MESSAGE_TOO_LARGE: 'the message is larger than the transport allows',
  TRANSPORT_ERR_UNROUTABLE: 'the response cannot be routed from its Via',
  TRANSPORT_ERR_NOT_LISTENING: 'the transport is not listening',
} as const;

/** One of the stable `TRANSPORT_ERR_…` codes. */
export type TransportErrorCode = keyof typeof TRANSPORT_ERROR_CODES;

/** An error of a transport; check it with {@link isTransportError}. */
export class TransportError extends Error {
  readonly code: TransportErrorCode;

  constructor(code: TransportErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? TRANSPORT_ERROR_CODES[code], options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TransportError';
    this.code = code;
  }
}

/** True when `value` is a {@link TransportError} (any copy of this package), with `code` when given. */
export function isTransportError(value: unknown, code?: TransportErrorCode): value is TransportError {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as { name?: unknown; code?: unknown };
  if (c.name !== 'TransportError' || typeof c.code !== 'string' || !(c.code in TRANSPORT_ERROR_CODES)) return false;
  return code === undefined || c.code === code;
}

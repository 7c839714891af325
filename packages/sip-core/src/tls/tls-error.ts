/**
 * Stable error codes of TLS identity checking (RFC 5922).
 */
export const TLS_ERROR_CODES = {
  TLS_ERR_IDENTITY_MISMATCH: 'the peer certificate does not name the SIP domain that was asked for (RFC 5922 §7.2)',
  TLS_ERR_CHAIN: 'the peer certificate chain does not verify against the configured CAs',
  TLS_ERR_NO_CERTIFICATE: 'the peer presented no certificate',
  TLS_ERR_BAD_CERTIFICATE: 'the certificate could not be read',
  TLS_ERR_HANDSHAKE: 'the TLS handshake failed',
  TLS_ERR_HANDSHAKE_TIMEOUT: 'an inbound TLS handshake did not finish in time',
  TLS_ERR_HANDSHAKE_LIMIT: 'too many inbound TLS handshakes were under way',
} as const;

/** One of the stable `TLS_ERR_…` codes. */
export type TlsErrorCode = keyof typeof TLS_ERROR_CODES;

/** An error of TLS identity checking; check it with {@link isTlsError}. */
export class TlsError extends Error {
  readonly code: TlsErrorCode;

  constructor(code: TlsErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? TLS_ERROR_CODES[code], options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TlsError';
    this.code = code;
  }
}

/** True when `value` is a {@link TlsError} (any copy of this package), with `code` when given. */
export function isTlsError(value: unknown, code?: TlsErrorCode): value is TlsError {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as { name?: unknown; code?: unknown };
  if (c.name !== 'TlsError' || typeof c.code !== 'string' || !(c.code in TLS_ERROR_CODES)) return false;
  return code === undefined || c.code === code;
}

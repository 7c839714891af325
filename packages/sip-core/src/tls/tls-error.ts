import { defineErrorFamily, type ErrorTable } from '../error-kit.js';

/**
 * Stable error codes of TLS identity checking (RFC 5922).
 */
export const TLS_ERROR_CODES = {
  TLS_ERR_IDENTITY_MISMATCH: {
    message: 'the peer certificate does not name the SIP domain that was asked for (RFC 5922 §7.2)',
  },
  TLS_ERR_CHAIN: { message: 'the peer certificate chain does not verify against the configured CAs' },
  TLS_ERR_NO_CERTIFICATE: { message: 'the peer presented no certificate' },
  TLS_ERR_BAD_CERTIFICATE: { message: 'the certificate could not be read' },
  TLS_ERR_HANDSHAKE: { message: 'the TLS handshake failed' },
  TLS_ERR_HANDSHAKE_TIMEOUT: { message: 'an inbound TLS handshake did not finish in time' },
  TLS_ERR_HANDSHAKE_LIMIT: { message: 'too many inbound TLS handshakes were under way' },
} as const satisfies ErrorTable<'TLS_ERR'>;

/** One of the stable `TLS_ERR_…` codes. */
export type TlsErrorCode = keyof typeof TLS_ERROR_CODES;

const TLS_ERRORS = defineErrorFamily('TlsError', 'TLS_ERR', TLS_ERROR_CODES);

/** An error of TLS identity checking; check it with {@link isTlsError}. */
export class TlsError extends TLS_ERRORS.Error {}

/**
 * True when `value` is a {@link TlsError} (from any copy of this package)
 * and, when `code` is given, carries that code.
 */
export function isTlsError(value: unknown, code?: TlsErrorCode): value is TlsError {
  return TLS_ERRORS.is(value, code);
}

import { defineErrorFamily, type ErrorTable } from '../error-kit.js';

/**
 * Stable error codes of server location (RFC 3263).
 */
export const DNS_ERROR_CODES = {
  DNS_ERR_BAD_URI: { message: 'the URI cannot be located: not a sip/sips URI, or no host' },
  DNS_ERR_NOT_FOUND: { message: 'DNS holds no SRV, A or AAAA record for the target (RFC 3263 §4.2)' },
  DNS_ERR_SERVICE_UNAVAILABLE: {
    message: 'the SRV record says the service is not offered: its target is "." (RFC 2782)',
  },
  DNS_ERR_SERVER_FAILURE: { message: 'the DNS server failed, refused or did not answer in time' },
  DNS_ERR_TARGETS_EXHAUSTED: { message: 'every target was tried and none answered' },
} as const satisfies ErrorTable<'DNS_ERR'>;

/** One of the stable `DNS_ERR_…` codes. */
export type DnsErrorCode = keyof typeof DNS_ERROR_CODES;

const DNS_ERRORS = defineErrorFamily('DnsError', 'DNS_ERR', DNS_ERROR_CODES);

/** An error of server location; check it with {@link isDnsError}. */
export class DnsError extends DNS_ERRORS.Error {}

/**
 * True when `value` is a {@link DnsError} (from any copy of this package)
 * and, when `code` is given, carries that code.
 */
export function isDnsError(value: unknown, code?: DnsErrorCode): value is DnsError {
  return DNS_ERRORS.is(value, code);
}

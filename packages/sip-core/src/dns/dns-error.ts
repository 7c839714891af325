/**
 * Stable error codes of server location (RFC 3263).
 */
export const DNS_ERROR_CODES = {
  DNS_ERR_BAD_URI: 'the URI cannot be located: not a sip/sips URI, or no host',
  DNS_ERR_NOT_FOUND: 'DNS holds no SRV, A or AAAA record for the target (RFC 3263 §4.2)',
  DNS_ERR_SERVICE_UNAVAILABLE: 'the SRV record says the service is not offered: its target is "." (RFC 2782)',
  DNS_ERR_SERVER_FAILURE: 'the DNS server failed, refused or did not answer in time',
  DNS_ERR_TARGETS_EXHAUSTED: 'every target was tried and none answered',
} as const;

/** One of the stable `DNS_ERR_…` codes. */
export type DnsErrorCode = keyof typeof DNS_ERROR_CODES;

/** An error of server location; check it with {@link isDnsError}. */
export class DnsError extends Error {
  readonly code: DnsErrorCode;

  constructor(code: DnsErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? DNS_ERROR_CODES[code], options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DnsError';
    this.code = code;
  }
}

/** True when `value` is a {@link DnsError} (any copy of this package), with `code` when given. */
export function isDnsError(value: unknown, code?: DnsErrorCode): value is DnsError {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as { name?: unknown; code?: unknown };
  if (c.name !== 'DnsError' || typeof c.code !== 'string' || !(c.code in DNS_ERROR_CODES)) return false;
  return code === undefined || c.code === code;
}

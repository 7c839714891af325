/**
 * Stable error codes of the transaction layer (RFC 3261 §17). Each one is
 * reported to the transaction user as a value on a typed event, or thrown by
 * the few calls that refuse what they are asked.
 */
export const TRANSACTION_ERROR_CODES = {
  TX_ERR_TIMEOUT: 'the transaction timed out (Timer B, F or H fired)',
  TX_ERR_TRANSPORT: 'the transport failed to send a message of the transaction',
  TX_ERR_LIMIT: 'the configured limit on open transactions is reached',
  TX_ERR_NO_BRANCH: 'the request has no Via branch with the RFC 3261 magic cookie',
  TX_ERR_INVALID_STATE: 'the transaction cannot do that in its current state',
  TX_ERR_DUPLICATE: 'a transaction with the same key already exists',
  TX_ERR_BAD_RESPONSE: 'the response does not fit the request (status, Via, CSeq)',
} as const;

/** One of the stable `TX_ERR_…` codes. */
export type TransactionErrorCode = keyof typeof TRANSACTION_ERROR_CODES;

/** An error of the transaction layer; check it with {@link isTransactionError}. */
export class TransactionError extends Error {
  readonly code: TransactionErrorCode;
  /** Which timer fired, for `TX_ERR_TIMEOUT`. */
  readonly timer: string | undefined;

  constructor(code: TransactionErrorCode, message?: string, options?: { cause?: unknown; timer?: string }) {
    super(message ?? TRANSACTION_ERROR_CODES[code], options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TransactionError';
    this.code = code;
    this.timer = options?.timer;
  }
}

/**
 * True when `value` is a {@link TransactionError} (from any copy of this
 * package) and, when `code` is given, carries that code.
 */
export function isTransactionError(value: unknown, code?: TransactionErrorCode): value is TransactionError {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as { name?: unknown; code?: unknown };
  if (c.name !== 'TransactionError' || typeof c.code !== 'string' || !(c.code in TRANSACTION_ERROR_CODES)) return false;
  return code === undefined || c.code === code;
}

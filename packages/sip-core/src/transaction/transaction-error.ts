import { defineErrorFamily, type ErrorTable } from '../error-kit.js';

/**
 * Stable error codes of the transaction layer (RFC 3261 §17). Each one is
 * reported to the transaction user as a value on a typed event, or thrown by
 * the few calls that refuse what they are asked.
 */
export const TRANSACTION_ERROR_CODES = {
  TX_ERR_TIMEOUT: { message: 'the transaction timed out (Timer B, F or H fired)' },
  TX_ERR_TRANSPORT: { message: 'the transport failed to send a message of the transaction' },
  TX_ERR_LIMIT: { message: 'the configured limit on open transactions is reached' },
  TX_ERR_NO_BRANCH: { message: 'the request has no Via branch with the RFC 3261 magic cookie' },
  TX_ERR_INVALID_STATE: { message: 'the transaction cannot do that in its current state' },
  TX_ERR_DUPLICATE: { message: 'a transaction with the same key already exists' },
  TX_ERR_BAD_RESPONSE: { message: 'the response does not fit the request (status, Via, CSeq)' },
} as const satisfies ErrorTable<'TX_ERR'>;

/** One of the stable `TX_ERR_…` codes. */
export type TransactionErrorCode = keyof typeof TRANSACTION_ERROR_CODES;

const TX_ERRORS = defineErrorFamily('TransactionError', 'TX_ERR', TRANSACTION_ERROR_CODES);

/** An error of the transaction layer; check it with {@link isTransactionError}. */
export class TransactionError extends TX_ERRORS.Error {
  /** Which timer fired, for `TX_ERR_TIMEOUT`. */
  readonly timer: string | undefined;

  constructor(code: TransactionErrorCode, message?: string, options?: { cause?: unknown; timer?: string }) {
    super(code, message, options);
    this.timer = options?.timer;
  }
}

/**
 * True when `value` is a {@link TransactionError} (from any copy of this package)
 * and, when `code` is given, carries that code.
 */
export function isTransactionError(value: unknown, code?: TransactionErrorCode): value is TransactionError {
  return TX_ERRORS.is(value, code);
}

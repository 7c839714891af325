/**
 * Every stable error code of the transaction, transport, TLS and DNS layers:
 * each is recognised by its checker with and without its code, carries its
 * default message, and is not mistaken for another family's error.
 */
import { describe, expect, it } from 'vitest';
import { DNS_ERROR_CODES, DnsError, type DnsErrorCode, isDnsError } from '../../src/dns/dns-error.js';
import { TLS_ERROR_CODES, TlsError, type TlsErrorCode, isTlsError } from '../../src/tls/tls-error.js';
import { TRANSACTION_ERROR_CODES, TransactionError, type TransactionErrorCode, isTransactionError } from '../../src/transaction/transaction-error.js';
import { TRANSPORT_ERROR_CODES, TransportError, type TransportErrorCode, isTransportError } from '../../src/transport/transport-error.js';

type Check = (value: unknown, code?: never) => boolean;
const checkers: Array<[string, Check]> = [
  ['TransactionError', isTransactionError as Check],
  ['TransportError', isTransportError as Check],
  ['TlsError', isTlsError as Check],
  ['DnsError', isDnsError as Check],
];

const rows: Array<{ code: string; error: Error & { code: string }; message: string; family: string }> = [
  ...(Object.keys(TRANSACTION_ERROR_CODES) as TransactionErrorCode[]).map((code) => ({ code, error: new TransactionError(code), message: TRANSACTION_ERROR_CODES[code], family: 'TransactionError' })),
  ...(Object.keys(TRANSPORT_ERROR_CODES) as TransportErrorCode[]).map((code) => ({ code, error: new TransportError(code), message: TRANSPORT_ERROR_CODES[code], family: 'TransportError' })),
  ...(Object.keys(TLS_ERROR_CODES) as TlsErrorCode[]).map((code) => ({ code, error: new TlsError(code), message: TLS_ERROR_CODES[code], family: 'TlsError' })),
  ...(Object.keys(DNS_ERROR_CODES) as DnsErrorCode[]).map((code) => ({ code, error: new DnsError(code), message: DNS_ERROR_CODES[code], family: 'DnsError' })),
];

describe('error codes (TX_ERR_, TRANSPORT_ERR_, TLS_ERR_, DNS_ERR_)', () => {
  it('covers every code of the four tables', () => {
    const total = Object.keys(TRANSACTION_ERROR_CODES).length + Object.keys(TRANSPORT_ERROR_CODES).length + Object.keys(TLS_ERROR_CODES).length + Object.keys(DNS_ERROR_CODES).length;
    expect(rows).toHaveLength(total);
    expect(rows.map((r) => r.code).every((c) => /^(TX|TRANSPORT|TLS|DNS)_ERR_[A-Z_]+$/.test(c))).toBe(true);
  });

  it.each(rows)('$code: checked by code, default message, its family only', ({ code, error, message, family }) => {
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
    expect(error.name).toBe(family);
    for (const [name, check] of checkers) {
      expect(check(error), name).toBe(name === family);
      expect(check(error, code as never), name).toBe(name === family);
    }
    // A copy from another instance of the package (same name and code) is recognised; a wrong code is not.
    const copy = { name: family, code, message };
    expect(checkers.find(([name]) => name === family)![1](copy)).toBe(true);
    expect(checkers.find(([name]) => name === family)![1]({ name: family, code: `${code}_NOT` })).toBe(false);
  });

  it('keeps the cause, and the timer of a TX_ERR_TIMEOUT', () => {
    const cause = new TransportError('TRANSPORT_ERR_CONNECT');
    const e = new TransactionError('TX_ERR_TRANSPORT', undefined, { cause });
    expect(e.cause).toBe(cause);
    expect(new TransactionError('TX_ERR_TIMEOUT', undefined, { timer: 'F' }).timer).toBe('F');
    expect(isTransactionError(null)).toBe(false);
    expect(isTransportError('TRANSPORT_ERR_CLOSED')).toBe(false);
  });
});

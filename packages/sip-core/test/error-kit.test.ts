/**
 * The error kit, and every code of every family sip-core declares with it:
 * each code has its prefix, its sentence and its status, and is recognised
 * by its own family's guard (with and without the code) and by no other.
 */
import { describe, expect, it } from 'vitest';
import {
  DIALOG_ERROR_CODES,
  DNS_ERROR_CODES,
  DialogError,
  DnsError,
  ERROR_BRAND,
  SIP_ERROR_CODES,
  SipError,
  TLS_ERROR_CODES,
  TRANSACTION_ERROR_CODES,
  TRANSPORT_ERROR_CODES,
  TlsError,
  TransactionError,
  TransportError,
  defineErrorFamily,
  isDialogError,
  isDnsError,
  isSipError,
  isTlsError,
  isTransactionError,
  isTransportError,
  type ErrorSpec,
} from '../src/index.js';
import type * as ErrorKit from '../src/error-kit.js';

/** One family as its module exports it, widened to strings for the table. */
interface FamilyRow {
  readonly name: string;
  readonly prefix: string;
  readonly table: Readonly<Record<string, ErrorSpec>>;
  readonly create: (code: string) => Error & { readonly code: string; readonly status: number | undefined };
  readonly is: (value: unknown, code?: string) => boolean;
}

function familyRow<C extends string>(
  name: string,
  prefix: string,
  table: { readonly [K in C]: ErrorSpec },
  ErrorClass: new (code: C) => Error & { readonly code: C; readonly status: number | undefined },
  is: (value: unknown, code?: C) => boolean,
): FamilyRow {
  const isCode = (code: string): code is C => Object.hasOwn(table, code);
  const codeOf = (code: string): C => {
    if (!isCode(code)) throw new Error(`${code} is not a code of ${name}`);
    return code;
  };
  return {
    name,
    prefix,
    table,
    create: (code) => new ErrorClass(codeOf(code)),
    is: (value, code) => is(value, code === undefined ? undefined : codeOf(code)),
  };
}

const SIP_CORE_FAMILIES: readonly FamilyRow[] = [
  familyRow('SipError', 'SIP_ERR', SIP_ERROR_CODES, SipError, isSipError),
  familyRow('TransactionError', 'TX_ERR', TRANSACTION_ERROR_CODES, TransactionError, isTransactionError),
  familyRow('TransportError', 'TRANSPORT_ERR', TRANSPORT_ERROR_CODES, TransportError, isTransportError),
  familyRow('TlsError', 'TLS_ERR', TLS_ERROR_CODES, TlsError, isTlsError),
  familyRow('DnsError', 'DNS_ERR', DNS_ERROR_CODES, DnsError, isDnsError),
  familyRow('DialogError', 'DIALOG_ERR', DIALOG_ERROR_CODES, DialogError, isDialogError),
];

const rows = SIP_CORE_FAMILIES.flatMap((f) => Object.keys(f.table).map((code) => ({ code, family: f })));

describe('every code of every sip-core family', () => {
  it('has one row per code of the six tables, and no code twice', () => {
    const total = SIP_CORE_FAMILIES.reduce((n, f) => n + Object.keys(f.table).length, 0);
    expect(rows).toHaveLength(total);
    expect(new Set(rows.map((r) => r.code)).size).toBe(total);
  });

  it.each(rows.map((r) => [r.code, r] as const))(
    '%s: prefix, sentence, status, its family only',
    (code, { family }) => {
      const spec = family.table[code]!;
      expect(code).toMatch(new RegExp(`^${family.prefix}_[A-Z0-9_]+$`));
      const error = family.create(code);
      expect(error).toBeInstanceOf(Error);
      expect(error.code).toBe(code);
      expect(error.message).toBe(spec.message);
      expect(error.message.length).toBeGreaterThan(10);
      expect(error.status).toBe(spec.status);
      expect(error.name).toBe(family.name);
      expect(family.is(error)).toBe(true);
      expect(family.is(error, code)).toBe(true);
      const sibling = Object.keys(family.table).find((c) => c !== code);
      if (sibling !== undefined) expect(family.is(error, sibling)).toBe(false);
      for (const other of SIP_CORE_FAMILIES.filter((f) => f !== family)) {
        expect(other.is(error), other.name).toBe(false);
        expect(other.is(other.create(Object.keys(other.table)[0]!)), other.name).toBe(true);
        expect(family.is(other.create(Object.keys(other.table)[0]!)), other.name).toBe(false);
      }
      // A copy from another instance of the package carries the same brand and code.
      expect(family.is({ [ERROR_BRAND]: family.name, code, message: spec.message }, code)).toBe(true);
      expect(family.is({ [ERROR_BRAND]: family.name, code: `${code}_NOT` })).toBe(false);
      // The name alone is not the brand.
      expect(family.is({ name: family.name, code })).toBe(false);
    },
  );

  it('refuses values that are not errors of the family', () => {
    for (const family of SIP_CORE_FAMILIES) {
      for (const value of [
        new Error('x'),
        null,
        undefined,
        'SIP_ERR_BAD_VIA',
        { [ERROR_BRAND]: family.name, code: 'toString' },
      ]) {
        expect(family.is(value), family.name).toBe(false);
      }
    }
  });

  it('keeps the facts of a family: the offset and status of a SipError, the timer of a TX_ERR_TIMEOUT, the cause', () => {
    const parse = new SipError('SIP_ERR_BAD_VERSION', undefined, { status: 505, offset: 3 });
    expect([parse.status, parse.offset, parse.message]).toEqual([505, 3, SIP_ERROR_CODES.SIP_ERR_BAD_VERSION.message]);
    expect(new TransactionError('TX_ERR_TIMEOUT', undefined, { timer: 'F' }).timer).toBe('F');
    const cause = new TransportError('TRANSPORT_ERR_CONNECT');
    const e = new TransactionError('TX_ERR_TRANSPORT', 'given', { cause });
    expect(e.cause).toBe(cause);
    expect(e.message).toBe('given');
    expect(Object.hasOwn(new DnsError('DNS_ERR_NOT_FOUND'), 'cause')).toBe(false);
  });
});

describe('defineErrorFamily', () => {
  const example = defineErrorFamily('ExampleError', 'EXAMPLE_ERR', {
    EXAMPLE_ERR_PLAIN: { message: 'a problem no peer is answered for' },
    EXAMPLE_ERR_ANSWERED: { message: 'a problem a peer is answered for', status: 488 },
  });

  it('gives the table, the codes in order, and a guard of codes', () => {
    expect(example.name).toBe('ExampleError');
    expect(example.prefix).toBe('EXAMPLE_ERR');
    expect(example.codeList).toEqual(['EXAMPLE_ERR_PLAIN', 'EXAMPLE_ERR_ANSWERED']);
    expect(example.isCode('EXAMPLE_ERR_ANSWERED')).toBe(true);
    expect(example.isCode('toString')).toBe(false);
    expect(example.isCode(7)).toBe(false);
  });

  it('builds errors with the table status, or the one given, and brands them on the prototype', () => {
    const error = new example.Error('EXAMPLE_ERR_ANSWERED');
    expect(error.status).toBe(488);
    expect(new example.Error('EXAMPLE_ERR_ANSWERED', undefined, { status: 415 }).status).toBe(415);
    expect(new example.Error('EXAMPLE_ERR_PLAIN').status).toBeUndefined();
    expect(error[ERROR_BRAND]).toBe('ExampleError');
    expect(Object.keys(error)).not.toContain('name');
    expect(Object.getOwnPropertySymbols(error)).toEqual([]);
    expect(JSON.parse(JSON.stringify(error))).toEqual({ code: 'EXAMPLE_ERR_ANSWERED', status: 488 });
    expect(String(error)).toBe('ExampleError: a problem a peer is answered for');
  });

  it('builds errors as values, recognised by shape also after a trip through JSON', () => {
    const value = example.value('EXAMPLE_ERR_ANSWERED', 'what exactly');
    expect(value).toEqual({
      code: 'EXAMPLE_ERR_ANSWERED',
      message: 'a problem a peer is answered for',
      status: 488,
      detail: 'what exactly',
    });
    const copy: unknown = JSON.parse(JSON.stringify(value));
    expect(example.isValue(copy, 'EXAMPLE_ERR_ANSWERED')).toBe(true);
    expect(example.isValue(copy, 'EXAMPLE_ERR_PLAIN')).toBe(false);
    expect(example.isValue({ code: 'EXAMPLE_ERR_PLAIN' })).toBe(false);
    expect(example.isValue({ code: 'toString', message: 'x' })).toBe(false);
    expect(example.is(value)).toBe(false);
  });

  it('refuses a table with a code of another prefix', () => {
    // The type of the table refuses it too.
    const define = () =>
      // @ts-expect-error OTHER_ERR_TWO does not start with BAD_ERR_
      defineErrorFamily('BadError', 'BAD_ERR', { BAD_ERR_ONE: { message: 'one' }, OTHER_ERR_TWO: { message: 'two' } });
    expect(define).toThrow(/OTHER_ERR_TWO does not start with BAD_ERR_/);
  });
});

describe('two loaded copies of the kit', () => {
  // The built subpath entry, evaluated twice: two module instances, as when a
  // workspace resolves two copies of sip-core. (It needs `pnpm build`.)
  const load = async (copy: string): Promise<typeof ErrorKit> =>
    import(new URL(`../dist/error-kit.js?copy=${copy}`, import.meta.url).href);

  it("recognise each other's errors by brand and code, where instanceof fails", async () => {
    const [one, two] = await Promise.all([load('one'), load('two')]);
    expect(one.defineErrorFamily).not.toBe(two.defineErrorFamily);
    expect(one.ERROR_BRAND).toBe(two.ERROR_BRAND);
    const table = { COPY_ERR_X: { message: 'thrown by one copy' } } as const;
    const first = one.defineErrorFamily('CopyError', 'COPY_ERR', table);
    const second = two.defineErrorFamily('CopyError', 'COPY_ERR', table);
    const error = new first.Error('COPY_ERR_X');
    expect(error).not.toBeInstanceOf(second.Error);
    expect(second.is(error, 'COPY_ERR_X')).toBe(true);
    expect(second.is(error)).toBe(true);
  });

  it('recognise a SipError of another copy of sip-core with isSipError', async () => {
    const other = (await load('sip-core')).defineErrorFamily('SipError', 'SIP_ERR', SIP_ERROR_CODES);
    const foreign = new other.Error('SIP_ERR_BAD_CSEQ');
    expect(foreign).not.toBeInstanceOf(SipError);
    expect(isSipError(foreign, 'SIP_ERR_BAD_CSEQ')).toBe(true);
    expect(isSipError(foreign, 'SIP_ERR_BAD_VIA')).toBe(false);
    expect(isDialogError(foreign)).toBe(false);
  });
});

/**
 * The error kit: how every package of this workspace declares its stable
 * error codes. A family is declared once — its name, its code prefix and a
 * table code → message and status — and {@link defineErrorFamily} gives back
 * the error class, the guard that checks by code, and a builder of errors as
 * values for pure code that returns what went wrong instead of throwing.
 *
 * It imports nothing, so it is also the subpath entry
 * `@sipbreakout/sip-core/error-kit` for packages that must not load the SIP stack.
 * @packageDocumentation
 */

/**
 * The property, on the prototype of every kit error, that holds its family's
 * name. `Symbol.for` gives the same symbol to every copy of this module, so
 * an error thrown by one loaded copy of a package is recognised by the guard
 * of another copy, where `instanceof` would fail.
 */
export const ERROR_BRAND: unique symbol = Symbol.for('@sipbreakout/error');

/** What one code means. */
export interface ErrorSpec {
  /** A sentence for people: the default message of an error of this code. */
  readonly message: string;
  /** The SIP (or HTTP) status a peer is answered with, when one is. */
  readonly status?: number;
}

/** A family's table: every code, each starting with the family's prefix `P` and `_`. */
export type ErrorTable<P extends string> = { readonly [K in `${P}_${string}`]: ErrorSpec };

/** What the constructor of a kit error takes besides its code and message. */
export interface ErrorKitOptions {
  /** The failure this error reports, kept as the standard `cause`. */
  readonly cause?: unknown;
  /** The status to answer with, when this occurrence's differs from the table's. */
  readonly status?: number | undefined;
}

/** An error of a family: its stable code, the status to answer with (if any) and its brand. */
export interface KitError<C extends string> extends Error {
  /** Stable, machine-checkable code; never changes meaning. */
  readonly code: C;
  /** The SIP (or HTTP) status a peer is answered with, if one is. */
  readonly status: number | undefined;
  /** The family's name; see {@link ERROR_BRAND}. */
  readonly [ERROR_BRAND]: string;
}

/** The error class of a family; subclass it to carry the family's own facts. */
export type KitErrorClass<C extends string> = new (code: C, message?: string, options?: ErrorKitOptions) => KitError<C>;

/** A refusal as a value, for pure functions that return bad input rather than throw. */
export interface ErrorValue<C extends string> {
  /** Stable, machine-checkable code. */
  readonly code: C;
  /** The code's sentence from the table. */
  readonly message: string;
  /** The code's status from the table, if any. */
  readonly status: number | undefined;
  /** What exactly was wrong, for logs. */
  readonly detail: string;
}

/** What {@link defineErrorFamily} gives back for a family of codes `C`. */
export interface ErrorFamily<C extends string> {
  /** The family's name: the `name` and the brand of its errors (`SipError`). */
  readonly name: string;
  /** The prefix of every code, without the trailing `_` (`SIP_ERR`). */
  readonly prefix: string;
  /** The table the family was declared with. */
  readonly codes: { readonly [K in C]: ErrorSpec };
  /** Every code, in table order. */
  readonly codeList: readonly C[];
  /** The family's error class. */
  readonly Error: KitErrorClass<C>;
  /** Narrows a value to one of the family's codes. */
  isCode(value: unknown): value is C;
  /** True when `value` is an error of this family (from any copy of the package), of `code` when given. */
  is(value: unknown, code?: C): value is KitError<C>;
  /** The {@link ErrorValue} of a code, with what exactly was wrong. */
  value(code: C, detail: string): ErrorValue<C>;
  /** True when `value` has the shape of an {@link ErrorValue} of this family (also a copy through JSON), of `code` when given. */
  isValue(value: unknown, code?: C): value is ErrorValue<C>;
}

/** The code type of a family: `ErrorCodeOf<typeof family>`. */
export type ErrorCodeOf<F> = F extends ErrorFamily<infer C> ? C : never;

/**
 * Declares a family of errors: `name` (`'SipError'`), the code `prefix`
 * (`'SIP_ERR'`) and the table of its codes. Throws at declaration when a code
 * lacks the prefix, so a family can never hold another family's code.
 */
export function defineErrorFamily<P extends string, C extends `${P}_${string}`>(
  name: string,
  prefix: P,
  codes: { readonly [K in C]: ErrorSpec },
): ErrorFamily<C> {
  const isCode = (value: unknown): value is C =>
    typeof value === 'string' && Object.prototype.hasOwnProperty.call(codes, value);
  const codeList = Object.keys(codes).filter(isCode);
  const stray = codeList.find((code) => !code.startsWith(`${prefix}_`));
  if (stray !== undefined) throw new TypeError(`${name}: the code ${stray} does not start with ${prefix}_`);
  const matches = (found: unknown, code: C | undefined): boolean =>
    isCode(found) && (code === undefined || found === code);

  class FamilyError extends Error implements KitError<C> {
    readonly code: C;
    readonly status: number | undefined;
    declare readonly [ERROR_BRAND]: string;

    constructor(code: C, message?: string, options?: ErrorKitOptions) {
      // No `cause` property at all when there is none, as a plain Error.
      super(message ?? codes[code].message, options?.cause === undefined ? undefined : { cause: options.cause });
      this.code = code;
      this.status = options?.status ?? codes[code].status;
    }
  }
  // On the prototype, as Error.prototype.name: shared, and not enumerable, so out of JSON and logs.
  Object.defineProperty(FamilyError.prototype, 'name', { value: name, writable: true, configurable: true });
  Object.defineProperty(FamilyError.prototype, ERROR_BRAND, { value: name });

  return {
    name,
    prefix,
    codes,
    codeList,
    Error: FamilyError,
    isCode,
    is: (value: unknown, code?: C): value is KitError<C> =>
      typeof value === 'object' &&
      value !== null &&
      ERROR_BRAND in value &&
      value[ERROR_BRAND] === name &&
      'code' in value &&
      matches(value.code, code),
    value: (code: C, detail: string): ErrorValue<C> => ({
      code,
      message: codes[code].message,
      status: codes[code].status,
      detail,
    }),
    isValue: (value: unknown, code?: C): value is ErrorValue<C> =>
      typeof value === 'object' &&
      value !== null &&
      'code' in value &&
      'message' in value &&
      typeof value.message === 'string' &&
      matches(value.code, code),
  };
}

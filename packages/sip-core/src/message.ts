import { type MediaType, parseMediaType } from './content-type.js';
import { type Challenge, type Credentials, parseChallengeValue, parseCredentialsValue } from './digest-params.js';
import { SipError, type SipErrorCode } from './errors.js';
import { SipHeaders } from './headers.js';
import {
  type Contact,
  type FromTo,
  type NameAddress,
  parseContactValue,
  parseFromTo,
  parseNameAddressValue,
} from './name-address.js';
import { type CSeq, MAX_DELTA_SECONDS, isCallId, parseCSeq, parseNumber } from './scalar-headers.js';
import { type SessionId, parseSessionId } from './session-id.js';
import type { Uri } from './uri.js';
import { type Via, parseViaValue } from './via.js';

/**
 * Typed header values computed once and kept until the header they come
 * from changes. `undefined` means "not computed yet"; `null` means "computed:
 * the header is absent".
 * @internal
 */
export class TypedSlots {
  via: readonly Via[] | undefined = undefined;
  from: FromTo | undefined = undefined;
  to: FromTo | undefined = undefined;
  callId: string | undefined = undefined;
  cseq: CSeq | undefined = undefined;
  maxForwards: number | null | undefined = undefined;
  contact: readonly Contact[] | undefined = undefined;
  route: readonly NameAddress[] | undefined = undefined;
  recordRoute: readonly NameAddress[] | undefined = undefined;
  contentLength: number | null | undefined = undefined;
  contentType: MediaType | null | undefined = undefined;
  expires: number | null | undefined = undefined;
  other: Map<string, unknown> | undefined = undefined;

  /** Forgets every computed value (they are computed again on the next read). */
  clearAll(): void {
    this.via = this.from = this.to = this.contact = this.route = this.recordRoute = undefined;
    this.callId = this.cseq = this.maxForwards = this.contentLength = this.contentType = this.expires = undefined;
    this.other = undefined;
  }

  /** Forgets what was computed from the header `key`. */
  clear(key: string): void {
    switch (key) {
      case 'via':
        this.via = undefined;
        break;
      case 'from':
        this.from = undefined;
        break;
      case 'to':
        this.to = undefined;
        break;
      case 'call-id':
        this.callId = undefined;
        break;
      case 'cseq':
        this.cseq = undefined;
        break;
      case 'max-forwards':
        this.maxForwards = undefined;
        break;
      case 'contact':
        this.contact = undefined;
        break;
      case 'route':
        this.route = undefined;
        break;
      case 'record-route':
        this.recordRoute = undefined;
        break;
      case 'content-length':
        this.contentLength = undefined;
        break;
      case 'content-type':
        this.contentType = undefined;
        break;
      case 'expires':
        this.expires = undefined;
        break;
      default:
        this.other?.delete(key);
    }
  }
}

/** Headers whose typed values live in {@link TypedSlots}. @internal */
export class TrackedHeaders extends SipHeaders {
  /** @internal */ readonly typed: TypedSlots;

  /** @internal */
  constructor(names?: string[], keys?: string[], values?: string[], typed: TypedSlots = new TypedSlots()) {
    super(names, keys, values);
    this.typed = typed;
  }

  protected override changed(key: string): void {
    this.typed.clear(key);
  }

  override clone(): TrackedHeaders {
    return new TrackedHeaders(this.names.slice(), this.keys.slice(), this.values.slice());
  }
}

function fail(code: SipErrorCode, name: string): never {
  throw new SipError(code, `the ${name} header field is missing or malformed`, { status: 400 });
}

function all<T>(
  headers: SipHeaders,
  key: string,
  parse: (value: string, out: T[]) => boolean,
  code: SipErrorCode,
): T[] {
  const out: T[] = [];
  const keys = headers.keys;
  for (let i = 0; i < keys.length; i++) {
    if (keys[i] === key && !parse(headers.values[i] as string, out)) fail(code, key);
  }
  return out;
}

function single<T>(
  headers: SipHeaders,
  key: string,
  parse: (value: string) => T | undefined,
  code: SipErrorCode,
): T | null {
  const raw = headers.get(key);
  if (raw === undefined) return null;
  const value = parse(raw);
  if (value === undefined) fail(code, key);
  return value;
}

function numberOrUndefined(value: string, max: number): number | undefined {
  const n = parseNumber(value, max);
  return n < 0 ? undefined : n;
}

/**
 * What requests and responses share: the header fields, the body, and typed
 * accessors for the headers a SIP element reads. Each accessor parses its
 * header once, on first access, and keeps the result until that header
 * changes. A message that came from {@link parseMessage} has its hot headers
 * checked already, so their accessors never throw; on a message built or
 * changed by hand, an accessor whose header is malformed or missing throws a
 * {@link SipError} with the matching code.
 */
export abstract class SipMessageBase {
  readonly headers: TrackedHeaders;
  /** The exact body bytes (a view of the parsed input, not a copy). */
  body: Uint8Array;
  /**
   * @internal Set on a sealed copy that a lingering transaction keeps: the
   * exact bytes of the message it copies (one character per byte), which
   * it serializes to whatever its headers say.
   */
  wire: string | undefined = undefined;

  constructor(headers: TrackedHeaders, body: Uint8Array) {
    this.headers = headers;
    this.body = body;
  }

  /** Every Via entry, top first (RFC 3261 §20.42). */
  get via(): readonly Via[] {
    const t = this.headers.typed;
    return (t.via ??= all(this.headers, 'via', parseViaValue, 'SIP_ERR_BAD_VIA'));
  }

  /** The From header (RFC 3261 §20.20). */
  get from(): FromTo {
    const t = this.headers.typed;
    return (t.from ??=
      single(this.headers, 'from', parseFromTo, 'SIP_ERR_BAD_FROM') ?? fail('SIP_ERR_MISSING_HEADER', 'From'));
  }

  /** The To header (RFC 3261 §20.39). */
  get to(): FromTo {
    const t = this.headers.typed;
    return (t.to ??= single(this.headers, 'to', parseFromTo, 'SIP_ERR_BAD_TO') ?? fail('SIP_ERR_MISSING_HEADER', 'To'));
  }

  /** The Call-ID (RFC 3261 §20.8). */
  get callId(): string {
    const t = this.headers.typed;
    return (t.callId ??=
      single(this.headers, 'call-id', (v) => (isCallId(v) ? v : undefined), 'SIP_ERR_BAD_CALL_ID') ??
      fail('SIP_ERR_MISSING_HEADER', 'Call-ID'));
  }

  /** The CSeq (RFC 3261 §20.16). */
  get cseq(): CSeq {
    const t = this.headers.typed;
    return (t.cseq ??=
      single(this.headers, 'cseq', parseCSeq, 'SIP_ERR_BAD_CSEQ') ?? fail('SIP_ERR_MISSING_HEADER', 'CSeq'));
  }

  /** Max-Forwards from 0 to 255, or undefined when absent (RFC 3261 §20.22). */
  get maxForwards(): number | undefined {
    const t = this.headers.typed;
    if (t.maxForwards === undefined)
      t.maxForwards = single(
        this.headers,
        'max-forwards',
        (v) => numberOrUndefined(v, 255),
        'SIP_ERR_BAD_MAX_FORWARDS',
      );
    return t.maxForwards ?? undefined;
  }

  /** Every Contact value in order; `{ star: true }` for `Contact: *` (RFC 3261 §20.10). */
  get contact(): readonly Contact[] {
    const t = this.headers.typed;
    return (t.contact ??= all(this.headers, 'contact', parseContactValue, 'SIP_ERR_BAD_CONTACT'));
  }

  /** Every Route entry in order (RFC 3261 §20.34). */
  get route(): readonly NameAddress[] {
    const t = this.headers.typed;
    return (t.route ??= all(
      this.headers,
      'route',
      (v, out: NameAddress[]) => parseNameAddressValue(v, true, out),
      'SIP_ERR_BAD_ROUTE',
    ));
  }

  /** Every Record-Route entry in order (RFC 3261 §20.30). */
  get recordRoute(): readonly NameAddress[] {
    const t = this.headers.typed;
    return (t.recordRoute ??= all(
      this.headers,
      'record-route',
      (v, out: NameAddress[]) => parseNameAddressValue(v, true, out),
      'SIP_ERR_BAD_RECORD_ROUTE',
    ));
  }

  /** The Content-Length header's value, or undefined when absent (RFC 3261 §20.14). */
  get contentLength(): number | undefined {
    const t = this.headers.typed;
    if (t.contentLength === undefined)
      t.contentLength = single(
        this.headers,
        'content-length',
        (v) => numberOrUndefined(v, 0x7fffffff),
        'SIP_ERR_BAD_CONTENT_LENGTH',
      );
    return t.contentLength ?? undefined;
  }

  /** The Content-Type, or undefined when absent (RFC 3261 §20.15). */
  get contentType(): MediaType | undefined {
    const t = this.headers.typed;
    if (t.contentType === undefined)
      t.contentType = single(this.headers, 'content-type', parseMediaType, 'SIP_ERR_BAD_CONTENT_TYPE');
    return t.contentType ?? undefined;
  }

  /** The Expires header in seconds, or undefined when absent (RFC 3261 §20.19). */
  get expires(): number | undefined {
    const t = this.headers.typed;
    if (t.expires === undefined)
      t.expires = single(
        this.headers,
        'expires',
        (v) => numberOrUndefined(v, MAX_DELTA_SECONDS),
        'SIP_ERR_BAD_EXPIRES',
      );
    return t.expires ?? undefined;
  }

  /** The Session-ID (RFC 7989), or undefined when absent. */
  get sessionId(): SessionId | undefined {
    return this.#other(
      'session-id',
      () => single(this.headers, 'session-id', parseSessionId, 'SIP_ERR_BAD_SESSION_ID') ?? undefined,
    );
  }

  /** Every P-Asserted-Identity entry (RFC 3325 §9.1). */
  get pAssertedIdentity(): readonly NameAddress[] {
    return this.#other('p-asserted-identity', () =>
      all(
        this.headers,
        'p-asserted-identity',
        (v, out: NameAddress[]) => parseNameAddressValue(v, true, out),
        'SIP_ERR_BAD_P_ASSERTED_IDENTITY',
      ),
    );
  }

  /** Every Authorization header's credentials (RFC 3261 §20.7). */
  get authorization(): readonly Credentials[] {
    return this.#other('authorization', () =>
      all(this.headers, 'authorization', parseCredentialsValue, 'SIP_ERR_BAD_AUTHORIZATION'),
    );
  }

  /** Every Proxy-Authorization header's credentials (RFC 3261 §20.28). */
  get proxyAuthorization(): readonly Credentials[] {
    return this.#other('proxy-authorization', () =>
      all(this.headers, 'proxy-authorization', parseCredentialsValue, 'SIP_ERR_BAD_AUTHORIZATION'),
    );
  }

  /** Every WWW-Authenticate challenge (RFC 3261 §20.44). */
  get wwwAuthenticate(): readonly Challenge[] {
    return this.#other('www-authenticate', () =>
      all(this.headers, 'www-authenticate', parseChallengeValue, 'SIP_ERR_BAD_AUTHORIZATION'),
    );
  }

  /** Every Proxy-Authenticate challenge (RFC 3261 §20.27). */
  get proxyAuthenticate(): readonly Challenge[] {
    return this.#other('proxy-authenticate', () =>
      all(this.headers, 'proxy-authenticate', parseChallengeValue, 'SIP_ERR_BAD_AUTHORIZATION'),
    );
  }

  #other<T>(key: string, compute: () => T): T {
    const t = this.headers.typed;
    const map = (t.other ??= new Map());
    if (map.has(key)) return map.get(key) as T;
    const value = compute();
    map.set(key, value);
    return value;
  }
}

/** A SIP request (RFC 3261 §7.1). */
export class SipRequest extends SipMessageBase {
  readonly kind = 'request' as const;
  /** The method, case-sensitive (RFC 3261 §7.1). */
  method: string;
  /** The Request-URI. */
  uri: Uri;

  constructor(init: {
    method: string;
    uri: Uri;
    headers?: TrackedHeaders | Iterable<readonly [string, string]>;
    body?: Uint8Array;
  }) {
    super(toTracked(init.headers), init.body ?? EMPTY_BODY);
    this.method = init.method;
    this.uri = init.uri;
  }
}

/** A SIP response (RFC 3261 §7.2). */
export class SipResponse extends SipMessageBase {
  readonly kind = 'response' as const;
  /** Status code from 100 to 699. */
  status: number;
  /** Reason phrase as characters (may be empty). */
  reason: string;

  constructor(init: {
    status: number;
    reason: string;
    headers?: TrackedHeaders | Iterable<readonly [string, string]>;
    body?: Uint8Array;
  }) {
    super(toTracked(init.headers), init.body ?? EMPTY_BODY);
    this.status = init.status;
    this.reason = init.reason;
  }
}

/** A SIP message: switch on `kind`. */
export type SipMessage = SipRequest | SipResponse;

const EMPTY_BODY = new Uint8Array(0);

function toTracked(headers: TrackedHeaders | Iterable<readonly [string, string]> | undefined): TrackedHeaders {
  if (headers instanceof TrackedHeaders) return headers;
  const tracked = new TrackedHeaders();
  if (headers !== undefined) for (const [name, value] of headers) tracked.append(name, value);
  return tracked;
}

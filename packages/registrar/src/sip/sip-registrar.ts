import {
  createResponse,
  createTag,
  serializeNameAddress,
  serializeUri,
  unescapeUriPart,
  uriEquals,
  type AddressContact,
  type Contact,
  type SipRequest,
  type SipResponse,
  type SipUri,
  type Uri,
} from '@sipbreakout/sip-core';
import { SystemClock, type Clock } from '@sipbreakout/sip-core/clock';
import { RegistrarError, isRegistrarError } from '../registrar-error.js';
import type { CredentialStore } from './credential-store.js';
import type { DigestAuthenticator } from './digest-authenticator.js';

/** One contact bound to an address-of-record (RFC 3261 §10.3). */
export interface Binding {
  /** The address-of-record, `sip:user@domain`. */
  readonly addressOfRecord: string;
  /** The Contact as registered (its `expires` parameter aside). */
  readonly contact: AddressContact;
  /** The Contact URI as text. */
  readonly contactUri: string;
  /** Preference from 0 to 1 (RFC 3261 §20.10); 1 when not given. */
  readonly q: number;
  /** When it stops counting, in ms since the epoch. */
  readonly expiresAt: number;
  /** The Call-ID and CSeq of the REGISTER that made it, to order updates. */
  readonly callId: string;
  /** See {@link Binding.callId}. */
  readonly cseq: number;
  /** The Path header values of that REGISTER, in order (RFC 3327 §5.3). */
  readonly path: readonly string[];
}

/** Options of {@link SipRegistrar}. */
export interface SipRegistrarOptions {
  /** Domains and endpoints; a domain is also the Digest realm. */
  readonly credentials: CredentialStore;
  /** Checks Digest credentials. */
  readonly authenticator: DigestAuthenticator;
  /** Where time comes from (binding expiries, nonces and the Date header are on its wall clock); defaults to a `SystemClock`. */
  readonly clock?: Clock | undefined;
  /** The shortest accepted expiry in seconds, answered as Min-Expires with 423; defaults to 60. */
  readonly minExpires?: number | undefined;
  /** Longer requested expiries are shortened to this; defaults to 7200. */
  readonly maxExpires?: number | undefined;
  /** The expiry when neither the Contact nor the Expires header gives one; defaults to 3600. */
  readonly defaultExpires?: number | undefined;
  /** The most contacts bound to one address-of-record; defaults to 10. */
  readonly maxBindingsPerAddressOfRecord?: number | undefined;
}

/**
 * The SIP registrar of RFC 3261 §10.3: REGISTER in, response out, no socket.
 * Keeps the bindings of each address-of-record in memory (a client refreshes
 * them by re-registering) and authenticates every REGISTER with Digest.
 */
export class SipRegistrar {
  readonly #credentials: CredentialStore;
  readonly #authenticator: DigestAuthenticator;
  readonly #clock: Clock;
  readonly #minExpires: number;
  readonly #maxExpires: number;
  readonly #defaultExpires: number;
  readonly #maxBindings: number;
  readonly #bindings = new Map<string, Binding[]>();

  constructor(options: SipRegistrarOptions) {
    this.#credentials = options.credentials;
    this.#authenticator = options.authenticator;
    this.#clock = options.clock ?? new SystemClock();
    this.#minExpires = options.minExpires ?? 60;
    this.#maxExpires = options.maxExpires ?? 7200;
    this.#defaultExpires = options.defaultExpires ?? 3600;
    this.#maxBindings = options.maxBindingsPerAddressOfRecord ?? 10;
  }

  /**
   * Every current binding of an address-of-record (`sip:user@domain`), most
   * preferred first: all the clients registered to one endpoint, to ring together.
   */
  lookup(addressOfRecord: string): Binding[] {
    const now = this.#clock.wallNow();
    return (this.#bindings.get(addressOfRecord) ?? [])
      .filter((binding) => binding.expiresAt > now)
      .sort((a, b) => b.q - a.q);
  }

  /** Answers one request. Never throws: bad input is answered with its status. */
  handle(request: SipRequest): SipResponse {
    const now = this.#clock.wallNow();
    try {
      return this.#register(request, now);
    } catch (error) {
      const refusal = isRegistrarError(error)
        ? error
        : new RegistrarError('REG_ERR_BAD_REQUEST', (error as Error).message);
      return this.#refusal(request, refusal, now);
    }
  }

  #register(request: SipRequest, now: number): SipResponse {
    // RFC 3261 §10.3 / §8.2.1: a registrar handles REGISTER only.
    if (request.method !== 'REGISTER') throw new RegistrarError('REG_ERR_NOT_REGISTER', request.method);
    // §10.3 step 1: the Request-URI names the domain of the registrar.
    const requestUri = sipUriOf(request.uri, 'Request-URI');
    if (!this.#credentials.hasDomain(requestUri.host)) {
      throw new RegistrarError('REG_ERR_DOMAIN_NOT_SERVED', requestUri.host);
    }
    // §10.3 step 5: the address-of-record is the To URI, canonicalized.
    const to = sipUriOf(request.to.uri, 'To');
    const realm = to.host.toLowerCase();
    if (!this.#credentials.hasDomain(realm)) throw new RegistrarError('REG_ERR_DOMAIN_NOT_SERVED', realm);
    if (to.user === undefined) throw new RegistrarError('REG_ERR_BAD_REQUEST', 'the To URI has no user');
    const user = unescapeUriPart(to.user);
    // §10.3 step 3 and §22: authenticate.
    const verdict = this.#authenticator.verify(request, realm, this.#credentials, now);
    if (!verdict.ok) throw verdict.error;
    // §10.3 step 3: the authenticated user may modify this address-of-record only if it is its own.
    if (verdict.endpoint.user !== user) {
      throw new RegistrarError('REG_ERR_FORBIDDEN', `${verdict.endpoint.user} may not register ${user}@${realm}`);
    }
    const addressOfRecord = `sip:${user}@${realm}`;
    const callId = request.callId;
    const cseq = request.cseq.seq;
    const contacts = request.contact;
    const current = this.lookup(addressOfRecord);
    let next: Binding[];
    if (contacts.length === 0) {
      next = current; // §10.3 step 6: a query
    } else if (contacts.some((c) => c.star)) {
      next = removeAll(current, contacts, request.expires, callId, cseq);
    } else {
      const path = request.headers.getAll('path');
      next = this.#update(
        current,
        contacts as readonly AddressContact[],
        request.expires,
        { addressOfRecord, callId, cseq, path },
        now,
      );
    }
    if (next.length === 0) this.#bindings.delete(addressOfRecord);
    else this.#bindings.set(addressOfRecord, next);
    return this.#ok(request, next, now);
  }

  #update(
    current: readonly Binding[],
    contacts: readonly AddressContact[],
    expiresHeader: number | undefined,
    facts: { addressOfRecord: string; callId: string; cseq: number; path: readonly string[] },
    now: number,
  ): Binding[] {
    const next = [...current];
    for (const contact of contacts) {
      // §10.3 step 7: the Contact's expires parameter, else the Expires header, else the local default.
      let expires = contact.expires ?? expiresHeader ?? this.#defaultExpires;
      // §10.3 step 7: below the minimum (and not a removal) is refused with 423 and Min-Expires.
      if (expires > 0 && expires < this.#minExpires) {
        throw new RegistrarError('REG_ERR_INTERVAL_TOO_BRIEF', `expires ${expires} < ${this.#minExpires}`, {
          minExpires: this.#minExpires,
        });
      }
      expires = Math.min(expires, this.#maxExpires);
      const contactUri = serializeUri(contact.uri);
      // §10.3 step 7: a Contact updates the binding whose URI is equivalent to it by the rules of §19.1.4.
      const at = next.findIndex((binding) => uriEquals(binding.contact.uri, contact.uri));
      const existing = at >= 0 ? next[at] : undefined;
      // §10.3 step 7: the same Call-ID with a CSeq not higher than the binding's aborts the whole request.
      if (existing !== undefined && existing.callId === facts.callId && facts.cseq <= existing.cseq) {
        throw new RegistrarError(
          'REG_ERR_CSEQ_OUT_OF_ORDER',
          `CSeq ${facts.cseq} <= ${existing.cseq} for ${contactUri}`,
        );
      }
      if (at >= 0) next.splice(at, 1);
      if (expires === 0) continue;
      next.push({
        addressOfRecord: facts.addressOfRecord,
        contact: { ...contact, params: contact.params.without('expires') },
        contactUri,
        q: contact.q ?? 1,
        expiresAt: now + expires * 1000,
        callId: facts.callId,
        cseq: facts.cseq,
        path: facts.path,
      });
    }
    if (next.length > this.#maxBindings) {
      throw new RegistrarError('REG_ERR_TOO_MANY_BINDINGS', `${next.length} > ${this.#maxBindings} contacts`);
    }
    return next;
  }

  #ok(request: SipRequest, bindings: readonly Binding[], now: number): SipResponse {
    const response = createResponse(request, 200, { toTag: createTag() });
    // §10.3 step 8: every current binding, each with its remaining time.
    for (const binding of bindings) {
      const remaining = Math.max(0, Math.ceil((binding.expiresAt - now) / 1000));
      const params = binding.contact.params.without('expires').with('expires', String(remaining));
      response.headers.append('Contact', serializeNameAddress({ ...binding.contact, params }));
    }
    // RFC 3327 §5.3: the Path of the request goes back in the 200 when the client supports path.
    const supported = request.headers
      .getAll('supported')
      .join(',')
      .toLowerCase()
      .split(/\s*,\s*/);
    if (supported.includes('path'))
      for (const path of request.headers.getAll('path')) response.headers.append('Path', path);
    response.headers.append('Date', new Date(now).toUTCString());
    return response;
  }

  #refusal(request: SipRequest, error: RegistrarError, now: number): SipResponse {
    const response = createResponse(request, error.status ?? 500, { reason: error.reason, toTag: createTag() });
    switch (error.code) {
      case 'REG_ERR_UNAUTHORIZED':
      case 'REG_ERR_STALE_NONCE':
      case 'REG_ERR_NONCE_REPLAY': {
        const realm = realmOf(request);
        if (realm !== undefined) {
          for (const challenge of this.#authenticator.challenges(realm, now, error.code === 'REG_ERR_STALE_NONCE')) {
            response.headers.append('WWW-Authenticate', challenge);
          }
        }
        break;
      }
      case 'REG_ERR_INTERVAL_TOO_BRIEF':
        response.headers.append('Min-Expires', String(error.minExpires ?? this.#minExpires));
        break;
      case 'REG_ERR_NOT_REGISTER':
        response.headers.append('Allow', 'REGISTER');
        break;
      default:
        break;
    }
    return response;
  }
}

function sipUriOf(uri: Uri, where: string): SipUri {
  if (uri.kind !== 'sip') throw new RegistrarError('REG_ERR_BAD_REQUEST', `the ${where} is not a SIP URI`);
  return uri;
}

function realmOf(request: SipRequest): string | undefined {
  try {
    const to = request.to.uri;
    return to.kind === 'sip' ? to.host.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * §10.3 step 6: `*` needs Expires: 0 and no other Contact; it removes every
 * binding, but a binding made under the same Call-ID with a CSeq not lower
 * aborts the request.
 */
function removeAll(
  current: readonly Binding[],
  contacts: readonly Contact[],
  expiresHeader: number | undefined,
  callId: string,
  cseq: number,
): Binding[] {
  if (contacts.length !== 1 || expiresHeader !== 0) {
    throw new RegistrarError('REG_ERR_BAD_REQUEST', 'Contact: * needs Expires: 0 and no other Contact');
  }
  for (const binding of current) {
    if (binding.callId === callId && cseq <= binding.cseq) {
      throw new RegistrarError('REG_ERR_CSEQ_OUT_OF_ORDER', `CSeq ${cseq} <= ${binding.cseq}`);
    }
  }
  return [];
}

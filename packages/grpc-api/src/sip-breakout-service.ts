import { status } from '@grpc/grpc-js';
import { isE164 } from '@sipbreakout/routing';
import { DEFAULT_TTL_SECONDS, isRegistrarError, type RegistrationStore } from '@sipbreakout/registrar';
import { apiRefusal, type ApiRefusal } from './api-refusal.js';
import type { ClientNumberPolicy } from './client-number-policy.js';
import type {
  DeleteRegistrationRequest,
  DeleteRegistrationResponse,
  Registration,
  UpsertRegistrationRequest,
  UpsertRegistrationResponse,
} from './messages.js';
import { readRegistration, refusalFromStoreError, type RequestedRegistration } from './registration-mapping.js';
import type { Principal } from './token-verifier.js';

/** What {@link SipBreakoutService} needs. */
export interface SipBreakoutServiceOptions {
  /** Where registrations live. */
  readonly store: RegistrationStore;
  /** Which numbers a client token may manage. */
  readonly numberPolicy: ClientNumberPolicy;
  /** The TTL reported in `time_to_live`; must be the store's (default 3600 s). */
  readonly ttlSeconds?: number | undefined;
  /**
   * Told of every refused registration, with the refusal's code and detail
   * (which the client's `error_message` leaves out): for the operator's log
   * and metrics. A listener that throws does not change the answer.
   */
  readonly onRefusal?: ((event: RegistrationRefused) => void) | undefined;
}

/** A registration refused with `STATUS_CODE_NOT_ACCEPTABLE`, as {@link SipBreakoutServiceOptions.onRefusal} hears it. */
export interface RegistrationRefused {
  /** The method refused. */
  readonly method: 'UpsertRegistration' | 'DeleteRegistration';
  /** The API client of the token. */
  readonly client: string;
  /** The refusal: its code, the `error_message` answered, and the detail kept from the client. */
  readonly refusal: ApiRefusal;
}

/** A handled call: a response, or a gRPC status to fail the call with. */
export type ServiceOutcome<T> =
  | { readonly ok: true; readonly response: T }
  | { readonly ok: false; readonly status: status; readonly details: string };

/**
 * The two methods of `wgtwo.sipbreakout.v1.SipBreakoutService` for an
 * authenticated principal, without gRPC plumbing. Refusals of the
 * registration are `STATUS_CODE_NOT_ACCEPTABLE` responses; only what the
 * token may not do (`PERMISSION_DENIED`) and store failures (`UNAVAILABLE`)
 * fail the call.
 */
export class SipBreakoutService {
  readonly #store: RegistrationStore;
  readonly #numberPolicy: ClientNumberPolicy;
  readonly #ttlSeconds: number;
  readonly #onRefusal: ((event: RegistrationRefused) => void) | undefined;

  constructor(options: SipBreakoutServiceOptions) {
    this.#store = options.store;
    this.#numberPolicy = options.numberPolicy;
    this.#ttlSeconds = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
    this.#onRefusal = options.onRefusal;
  }

  /** Creates, replaces or refreshes a registration, owned by the token's client. */
  async upsertRegistration(
    principal: Principal,
    request: UpsertRegistrationRequest,
  ): Promise<ServiceOutcome<UpsertRegistrationResponse>> {
    const read = this.#read(principal, request.registration);
    if (read.kind === 'denied') return read.outcome;
    if (read.kind === 'refused') return { ok: true, response: this.#refusedUpsert(principal, read.refusal) };
    try {
      await this.#store.upsert({ ...read.registration, owner: principal.client });
    } catch (error) {
      const refusal = refusalFromStoreError(error);
      if (refusal === undefined) return storeFailure(error);
      return { ok: true, response: this.#refusedUpsert(principal, refusal) };
    }
    return {
      ok: true,
      response: { statusCode: 'STATUS_CODE_OK', errorMessage: '', timeToLive: { seconds: this.#ttlSeconds, nanos: 0 } },
    };
  }

  /** Removes a registration of the token's client; the SIP URI must be the registered one. */
  async deleteRegistration(
    principal: Principal,
    request: DeleteRegistrationRequest,
  ): Promise<ServiceOutcome<DeleteRegistrationResponse>> {
    const read = this.#read(principal, request.registration);
    if (read.kind === 'denied') return read.outcome;
    if (read.kind === 'refused') return { ok: true, response: this.#refusedDelete(principal, read.refusal) };
    const { phoneNumber, routeType, sipUri } = read.registration;
    try {
      await this.#store.delete({ phoneNumber, routeType, sipUri, owner: principal.client });
    } catch (error) {
      const refusal = refusalFromStoreError(error);
      if (refusal === undefined) return storeFailure(error);
      return { ok: true, response: this.#refusedDelete(principal, refusal) };
    }
    return { ok: true, response: { statusCode: 'STATUS_CODE_OK', errorMessage: '' } };
  }

  #refusedUpsert(principal: Principal, refusal: ApiRefusal): UpsertRegistrationResponse {
    this.#tell('UpsertRegistration', principal, refusal);
    return { statusCode: 'STATUS_CODE_NOT_ACCEPTABLE', errorMessage: refusal.message, timeToLive: null };
  }

  #refusedDelete(principal: Principal, refusal: ApiRefusal): DeleteRegistrationResponse {
    this.#tell('DeleteRegistration', principal, refusal);
    return { statusCode: 'STATUS_CODE_NOT_ACCEPTABLE', errorMessage: refusal.message };
  }

  #tell(method: RegistrationRefused['method'], principal: Principal, refusal: ApiRefusal): void {
    try {
      this.#onRefusal?.({ method, client: principal.client, refusal });
    } catch {
      // The answer does not depend on the operator's listener.
    }
  }

  // Which number the call is about, and whether the token may manage it;
  // then the registration's fields.
  #read(principal: Principal, message: Registration | null | undefined): ReadOutcome {
    if (message === undefined || message === null) return refused(apiRefusal('API_ERR_NO_REGISTRATION'));
    const given = message.phoneNumber?.e164 ?? '';
    let phoneNumber: string;
    if (principal.kind === 'user') {
      // A user token manages only its own number and may omit it.
      if (given !== '' && given !== principal.phoneNumber) {
        return denied(`a user token may only manage its own number ${principal.phoneNumber}, not ${given}`);
      }
      phoneNumber = principal.phoneNumber;
    } else {
      if (given === '') return refused(apiRefusal('API_ERR_NO_PHONE_NUMBER', 'a client token must give phone_number'));
      if (!isE164(given)) return refused(apiRefusal('ROUTE_ERR_BAD_NUMBER', JSON.stringify(given)));
      if (!this.#numberPolicy(principal.client, given)) {
        return denied(`client ${JSON.stringify(principal.client)} may not manage ${given}`);
      }
      phoneNumber = given;
    }
    const read = readRegistration(message, phoneNumber);
    return read.ok ? { kind: 'read', registration: read.registration } : refused(read.refusal);
  }
}

type ReadOutcome =
  | { readonly kind: 'read'; readonly registration: RequestedRegistration }
  | { readonly kind: 'refused'; readonly refusal: ApiRefusal }
  | {
      readonly kind: 'denied';
      readonly outcome: { readonly ok: false; readonly status: status; readonly details: string };
    };

function refused(refusal: ApiRefusal): ReadOutcome {
  return { kind: 'refused', refusal };
}

function denied(details: string): ReadOutcome {
  return { kind: 'denied', outcome: { ok: false, status: status.PERMISSION_DENIED, details } };
}

function storeFailure(error: unknown): { readonly ok: false; readonly status: status; readonly details: string } {
  // Not acknowledged, so nothing is lost: the client may retry.
  const details = isRegistrarError(error) ? `${error.code}: ${error.reason}` : 'registration store failed';
  return { ok: false, status: status.UNAVAILABLE, details };
}

import {
  Client,
  credentials as grpcCredentials,
  Metadata,
  type CallOptions,
  type ChannelCredentials,
  type ChannelOptions,
  type MethodDefinition,
  type ServiceError,
} from '@grpc/grpc-js';
import { ApiError } from './api-error.js';
import { CLIENT_KEEPALIVE_OPTIONS } from './keepalive.js';
import type {
  DeleteRegistrationRequest,
  DeleteRegistrationResponse,
  UpsertRegistrationRequest,
  UpsertRegistrationResponse,
} from './messages.js';
import { loadSipBreakoutPackage } from './package-definition.js';
import type { MethodName } from './proto-files.js';

/** How to reach the service. */
export interface SipBreakoutClientOptions {
  /** `host:port`. */
  readonly address: string;
  /** The bearer token, or a function returning a current one (called per call). */
  readonly token: string | (() => string | Promise<string>);
  /** TLS; insecure when omitted (loopback and tests). */
  readonly credentials?: ChannelCredentials | undefined;
  /** Extra or overriding channel options (keepalive defaults: {@link CLIENT_KEEPALIVE_OPTIONS}). */
  readonly channelOptions?: ChannelOptions | undefined;
}

/** Per-call options. */
export interface SipBreakoutCallOptions {
  /** Cancels the call (it rejects with `CANCELLED`). */
  readonly signal?: AbortSignal | undefined;
  /** Absolute deadline (`Date` or ms since the epoch); `DEADLINE_EXCEEDED` after it. */
  readonly deadline?: Date | number | undefined;
}

/**
 * A typed client of `wgtwo.sipbreakout.v1.SipBreakoutService`, with the
 * method and message names of the .proto. A refused registration resolves
 * (`statusCode: 'STATUS_CODE_NOT_ACCEPTABLE'`); auth failures and transport
 * problems reject with grpc-js's `ServiceError` (`code` is the gRPC status).
 */
export class SipBreakoutClient {
  readonly #client: Client;
  readonly #token: SipBreakoutClientOptions['token'];
  readonly #methods = loadSipBreakoutPackage().service;

  constructor(options: SipBreakoutClientOptions) {
    this.#client = new Client(options.address, options.credentials ?? grpcCredentials.createInsecure(), {
      ...CLIENT_KEEPALIVE_OPTIONS,
      ...options.channelOptions,
    });
    this.#token = options.token;
  }

  /** `UpsertRegistration`. */
  upsertRegistration(
    request: UpsertRegistrationRequest,
    options: SipBreakoutCallOptions = {},
  ): Promise<UpsertRegistrationResponse> {
    return this.#call('UpsertRegistration', request, options);
  }

  /** `DeleteRegistration`. */
  deleteRegistration(
    request: DeleteRegistrationRequest,
    options: SipBreakoutCallOptions = {},
  ): Promise<DeleteRegistrationResponse> {
    return this.#call('DeleteRegistration', request, options);
  }

  /** Resolves once the channel is connected (or rejects at `deadline`). */
  waitForReady(deadline: Date | number): Promise<void> {
    return new Promise((resolve, reject) =>
      this.#client.waitForReady(deadline, (error) => (error === undefined ? resolve() : reject(error))),
    );
  }

  /** Closes the channel. */
  close(): void {
    this.#client.close();
  }

  async #call<Req, Res>(name: MethodName, request: Req, options: SipBreakoutCallOptions): Promise<Res> {
    const method = this.#methods[name] as MethodDefinition<Req, Res>;
    const token = typeof this.#token === 'string' ? this.#token : await this.#token();
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    const callOptions: CallOptions = options.deadline === undefined ? {} : { deadline: options.deadline };
    const signal = options.signal;
    signal?.throwIfAborted();
    return new Promise<Res>((resolve, reject) => {
      const call = this.#client.makeUnaryRequest<Req, Res>(
        method.path,
        method.requestSerialize,
        method.responseDeserialize,
        request,
        metadata,
        callOptions,
        (error: ServiceError | null, response?: Res) => {
          signal?.removeEventListener('abort', cancel);
          if (error !== null) reject(error);
          else if (response === undefined) reject(new ApiError('API_ERR_NO_RESPONSE', `${name}: no response`));
          else resolve(response);
        },
      );
      const cancel = (): void => call.cancel();
      signal?.addEventListener('abort', cancel, { once: true });
    });
  }
}

import {
  Server,
  ServerCredentials,
  status,
  type ChannelOptions,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import type { RegistrationStore } from '@sipbreakout/registrar';
import { authenticate } from './authenticate.js';
import type { ClientNumberPolicy } from './client-number-policy.js';
import { SERVER_KEEPALIVE_OPTIONS } from './keepalive.js';
import { loadSipBreakoutPackage } from './package-definition.js';
import { METHOD_PATHS, SERVICE_NAME } from './proto-files.js';
import { SipBreakoutService, type RegistrationRefused, type ServiceOutcome } from './sip-breakout-service.js';
import type { TokenVerifier } from './token-verifier.js';

/**
 * One more service on the same server as `SipBreakoutService`: listed by the
 * same reflection service, with its own health entry.
 */
export interface AdditionalService {
  /** Its fully qualified name (`wgtwo.webterminal.v0.WebTerminalService`): the health entry's key. */
  readonly name: string;
  /** For `Server.addService`. */
  readonly definition: ServiceDefinition;
  /** Its handlers. */
  readonly implementation: UntypedServiceImplementation;
  /**
   * Its package definition for reflection, with complete descriptors (see
   * `reflectionPackageOf`); merged with the breakout API's.
   */
  readonly reflectionPackage: PackageDefinition;
  /**
   * Called when shutdown begins, before the grace period: a service whose
   * calls are long-lived streams ends them here, or they hold the server
   * for the whole grace.
   */
  readonly drain?: (() => void) | undefined;
}

/** How to run the gRPC server. */
export interface SipBreakoutServerOptions {
  /** Where registrations live; the server does not close it. */
  readonly store: RegistrationStore;
  /** Verifies bearer tokens. */
  readonly verifier: TokenVerifier;
  /** Which numbers a client token may manage. */
  readonly numberPolicy: ClientNumberPolicy;
  /** Address to bind, `host:port` (`127.0.0.1:0` picks a free port). */
  readonly address: string;
  /** TLS; insecure when omitted (behind a TLS-terminating proxy, or in tests). */
  readonly credentials?: ServerCredentials | undefined;
  /** The TTL reported in `time_to_live`; must be the store's (default 3600 s). */
  readonly ttlSeconds?: number | undefined;
  /** Extra or overriding channel options (keepalive defaults: {@link SERVER_KEEPALIVE_OPTIONS}). */
  readonly channelOptions?: ChannelOptions | undefined;
  /** Told of every refused registration with its code and detail (see `SipBreakoutServiceOptions.onRefusal`). */
  readonly onRefusal?: ((event: RegistrationRefused) => void) | undefined;
  /** More services served beside `SipBreakoutService` (names must differ). */
  readonly additionalServices?: readonly AdditionalService[] | undefined;
}

/** A running server. */
export interface SipBreakoutServer {
  /** The bound port. */
  readonly port: number;
  /** The grpc-js server, for adding more services. */
  readonly server: Server;
  /** The standard health service; `''`, the API's and every additional service's name are `SERVING` until shutdown. */
  readonly health: HealthImplementation;
  /**
   * Graceful shutdown: health turns `NOT_SERVING`, new calls are refused,
   * calls in flight finish (their store writes included); after `graceMs`
   * (default 10 s) whatever is left is cancelled.
   */
  shutdown(options?: { readonly graceMs?: number | undefined }): Promise<void>;
}

/**
 * Starts `wgtwo.sipbreakout.v1.SipBreakoutService` with bearer-token auth,
 * server reflection (complete descriptors) and the health service, and the
 * {@link SipBreakoutServerOptions.additionalServices} beside it.
 */
export async function startSipBreakoutServer(options: SipBreakoutServerOptions): Promise<SipBreakoutServer> {
  const pkg = loadSipBreakoutPackage();
  const server = new Server({ ...SERVER_KEEPALIVE_OPTIONS, ...options.channelOptions });
  const service = new SipBreakoutService(options);
  const verifier = options.verifier;

  const unary =
    <Req, Res>(
      path: string,
      handle: (
        principal: Parameters<SipBreakoutService['upsertRegistration']>[0],
        request: Req,
      ) => Promise<ServiceOutcome<Res>>,
    ) =>
    (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>): void => {
      void (async () => {
        const auth = await authenticate(call.metadata.get('authorization'), path, verifier);
        if (!auth.ok) return callback({ code: auth.status, details: auth.details });
        const outcome = await handle(auth.principal, call.request);
        if (!outcome.ok) return callback({ code: outcome.status, details: outcome.details });
        return callback(null, outcome.response);
      })().catch(() => callback({ code: status.INTERNAL, details: 'internal error' }));
    };

  const implementation: UntypedServiceImplementation = {
    UpsertRegistration: unary(METHOD_PATHS.UpsertRegistration, (principal, request) =>
      service.upsertRegistration(principal, request),
    ),
    DeleteRegistration: unary(METHOD_PATHS.DeleteRegistration, (principal, request) =>
      service.deleteRegistration(principal, request),
    ),
  };
  server.addService(pkg.service, implementation);
  const additional = options.additionalServices ?? [];
  const names = new Set<string>([SERVICE_NAME]);
  let reflectionPackage: PackageDefinition = pkg.reflectionPackage;
  for (const extra of additional) {
    if (names.has(extra.name)) throw new RangeError(`service ${extra.name} is served twice`);
    names.add(extra.name);
    server.addService(extra.definition, extra.implementation);
    reflectionPackage = { ...reflectionPackage, ...extra.reflectionPackage };
  }
  new ReflectionService(reflectionPackage).addToServer(server);
  const health = new HealthImplementation(
    Object.fromEntries([['', 'SERVING'], ...[...names].map((name) => [name, 'SERVING'])]),
  );
  health.addToServer(server);

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(options.address, options.credentials ?? ServerCredentials.createInsecure(), (error, bound) =>
      error === null ? resolve(bound) : reject(error),
    );
  });

  let stopping: Promise<void> | undefined;
  return {
    port,
    server,
    health,
    shutdown: ({ graceMs = 10_000 } = {}) => {
      stopping ??= new Promise<void>((resolve) => {
        health.setStatus('', 'NOT_SERVING');
        for (const name of names) health.setStatus(name, 'NOT_SERVING');
        for (const extra of additional) extra.drain?.();
        const force = setTimeout(() => server.forceShutdown(), graceMs);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
      return stopping;
    },
  };
}

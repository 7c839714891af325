/**
 * The breakout core's configuration: its shape, its validation and its
 * embedded defaults (a fresh machine needs no file at all).
 */
import { BlockList, isIP } from 'node:net';
import { z } from 'zod';
import { ROUTE_TYPES } from '@sipbreakout/routing';
import { LOG_LEVELS } from '@sipbreakout/service-kit';
import { DEFAULT_TERMINAL_LIMITS } from '@sipbreakout/web-terminal';
import { isHostname, parseUri } from '@sipbreakout/sip-core';

const NOT_A_PORT = 'is not a port: must be an integer 0-65535 (0 picks a free port)';
const port = z.number({ error: NOT_A_PORT }).int(NOT_A_PORT).min(0, NOT_A_PORT).max(65535, NOT_A_PORT);
const host = z.string({ error: 'must be a host name or IP address (a JSON string)' }).min(1, 'must not be empty');
/** An integer of at least `min`; `what` names it in the message (`a number of seconds`). */
const atLeast = (what: string, min: number) => {
  const message = `is not ${what}: must be an integer of at least ${min}`;
  return z.number({ error: message }).int(message).min(min, message);
};
const seconds = (min: number) => atLeast('a number of seconds', min);
/** An integer from `min` to `max`; `what` names it in the message. */
const bounded = (what: string, min: number, max: number) => {
  const message = `is not ${what}: must be an integer ${min}-${max}`;
  return z.number({ error: message }).int(message).min(min, message).max(max, message);
};
/** A path to a file (read at start; a problem with it names the key too). */
const filePath = z.string({ error: 'must be a file path (a JSON string)' }).min(1, 'must not be empty');

/**
 * What the core does with a call when the TAS of its registration cannot be
 * reached or fails its certificate check: `bypass` routes the call as if
 * the number had no registration (to the callee, through the mobile next
 * hop); `fail` answers the caller with the failure (for FALLBACK: the
 * callee's own busy / no-answer status).
 */
export const TAS_FAILURE_ACTIONS = ['bypass', 'fail'] as const;
/** One of {@link TAS_FAILURE_ACTIONS}. */
export type TasFailureAction = (typeof TAS_FAILURE_ACTIONS)[number];

/** The default of `webTerminal.reattachGraceSeconds`: the hub's own (10 s). */
export const DEFAULT_REATTACH_GRACE_SECONDS = 10;

/** The route types that send a leg 2 to a TAS (INGRESS calls come from one). */
export const ROUTE_TYPES_WITH_LEG_2 = ROUTE_TYPES.filter((t) => t !== 'INGRESS');

const tasFailureAction = z.enum(TAS_FAILURE_ACTIONS, { error: `must be one of ${TAS_FAILURE_ACTIONS.join(', ')}` });

/**
 * Documented defaults of `routing.tasFailure`: a TAS that is down must not
 * cut a subscriber off from telephony, so the looping and forking types carry
 * on without it; FALLBACK only reaches the TAS after the callee was busy or
 * did not answer, so the caller gets that answer.
 */
export const DEFAULT_TAS_FAILURE = {
  LOOP: 'bypass',
  LOOP_MO: 'bypass',
  LOOP_MT: 'bypass',
  FORK: 'bypass',
  FALLBACK: 'fail',
} as const satisfies Record<(typeof ROUTE_TYPES_WITH_LEG_2)[number], TasFailureAction>;

/**
 * The default of `sip.domain`: a name under `.invalid` (RFC 6761 §6.4),
 * which never resolves, so that a TAS which tries to reach a party at it
 * fails at once instead of reaching somebody's host; an operator sets its
 * own domain.
 */
export const DEFAULT_SIP_DOMAIN = 'sipbreakout.invalid';

/** Whether `value` is a domain name: dot-separated labels of letters, digits and inner hyphens (63 at most each, 253 in all), the last starting with a letter (RFC 1035 §2.3.1, RFC 3261 §25.1 `hostname`); no IP address, no port. */
export function isDomainName(value: string): boolean {
  const bare = value.endsWith('.') ? value.slice(0, -1) : value;
  return (
    bare.length > 0 &&
    bare.length <= 253 &&
    bare.split('.').every((label) => label.length <= 63) &&
    isHostname(bare, 0, bare.length)
  );
}

const domainName = z
  .string()
  .refine(
    isDomainName,
    'must be a domain name (dot-separated labels of letters, digits and hyphens, the last starting with a letter), not an IP address, without a port',
  );

const sipUri = z.string().refine((value) => {
  const parsed = parseUri(value);
  return parsed.ok && parsed.uri.kind === 'sip';
}, 'must be a sip: or sips: URI (sip:host[:port][;transport=udp|tcp])');

/** Whether `value` is a DNS server as c-ares takes it: an IP address, `IPv4:port` or `[IPv6]:port`. */
export function isDnsServerAddress(value: string): boolean {
  const withPort = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(value);
  if (withPort === null) return isIP(value) !== 0;
  const host = withPort[1] ?? withPort[2] ?? '';
  const portNumber = Number(withPort[3]);
  const family = isIP(host);
  return portNumber >= 1 && portNumber <= 65535 && (withPort[1] === undefined ? family === 4 : family === 6);
}

const dnsServer = z.string().refine(isDnsServerAddress, 'must be an IP address, IPv4:port or [IPv6]:port');

/** `IPv4:port` or `[IPv6]:port` (port 1-65535) as host and port, else undefined. */
export function parseIpPort(value: string): { readonly host: string; readonly port: number } | undefined {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(value);
  if (m === null) return undefined;
  const host = m[1] ?? m[2] ?? '';
  const portNumber = Number(m[3]);
  const family = isIP(host);
  if (portNumber < 1 || portNumber > 65535 || family !== (m[1] === undefined ? 4 : 6)) return undefined;
  return { host, port: portNumber };
}

/**
 * What the core does when the media relay (rtpengine) fails, is down or
 * does not answer in time: `reject` answers the caller 503 (before a leg
 * starts, or in place of the answer, the answered leg then ended);
 * `passthrough` lets the SDP through unchanged.
 */
export const MEDIA_RELAY_FAILURE_ACTIONS = ['reject', 'passthrough'] as const;
/** One of {@link MEDIA_RELAY_FAILURE_ACTIONS}. */
export type MediaRelayFailureAction = (typeof MEDIA_RELAY_FAILURE_ACTIONS)[number];

/**
 * How the gRPC API listens: `off` (plaintext HTTP/2), `dev` (TLS with a
 * certificate for `localhost`, 127.0.0.1 and ::1 issued by the development CA
 * in the data folder), `files` (TLS with `grpc.tls.certFile` / `keyFile`).
 */
export const GRPC_TLS_MODES = ['off', 'dev', 'files'] as const;
/** One of {@link GRPC_TLS_MODES}. */
export type GrpcTlsMode = (typeof GRPC_TLS_MODES)[number];

/**
 * Whether a gRPC client must present a certificate (mutual TLS): `none`, or
 * `require` (the handshake fails without one chaining to `grpc.tls.caFile`,
 * in `dev` mode the development CA by default). There is no `request` as on
 * the TAS face: the API's identity is the bearer token, and grpc-js cannot
 * refuse a bad certificate that was only asked for, so a `request` would
 * accept anything.
 */
export const GRPC_CLIENT_CERTIFICATE_MODES = ['none', 'require'] as const;
/** One of {@link GRPC_CLIENT_CERTIFICATE_MODES}. */
export type GrpcClientCertificateMode = (typeof GRPC_CLIENT_CERTIFICATE_MODES)[number];

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/**
 * Whether `host` only listens on this machine: `localhost`, 127.0.0.0/8,
 * ::1 (or 127.0.0.0/8 mapped into IPv6). `0.0.0.0`, `::` and every other
 * name are not: a name is not resolved here, so it counts as reachable.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (/^localhost\.?$/i.test(bare)) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare)?.[1];
  if (mapped !== undefined) return isIP(mapped) === 4 && LOOPBACK.check(mapped, 'ipv4');
  const family = isIP(bare);
  if (family === 0) return false;
  return LOOPBACK.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}

interface GrpcSection {
  readonly host: string;
  readonly allowPlaintext: boolean;
  readonly tls: {
    readonly mode: GrpcTlsMode;
    readonly certFile?: string | undefined;
    readonly keyFile?: string | undefined;
    readonly caFile?: string | undefined;
    readonly clientCertificate: GrpcClientCertificateMode;
  };
}

/**
 * The rules between the `grpc` keys: the files each TLS mode needs or
 * ignores, and no plaintext off loopback unless `allowPlaintext` says so
 * (bearer tokens would cross the network readable by anyone on the path).
 */
function checkGrpcTransportSecurity(grpc: GrpcSection, context: z.RefinementCtx): void {
  const { mode } = grpc.tls;
  const issue = (path: readonly string[], message: string): void =>
    context.addIssue({ code: 'custom', path: [...path], message });
  if (mode === 'files') {
    if (grpc.tls.certFile === undefined)
      issue(['tls', 'certFile'], 'is required with grpc.tls.mode files (the server certificate chain, PEM)');
    if (grpc.tls.keyFile === undefined)
      issue(['tls', 'keyFile'], 'is required with grpc.tls.mode files (its private key, PEM)');
    if (grpc.tls.clientCertificate === 'require' && grpc.tls.caFile === undefined) {
      issue(
        ['tls', 'caFile'],
        'is required with grpc.tls.clientCertificate require (the CAs client certificates must chain to)',
      );
    }
  } else {
    const why = mode === 'dev' ? 'mode dev uses the development certificate' : 'TLS is off';
    if (grpc.tls.certFile !== undefined) issue(['tls', 'certFile'], `is only for grpc.tls.mode files (${why})`);
    if (grpc.tls.keyFile !== undefined) issue(['tls', 'keyFile'], `is only for grpc.tls.mode files (${why})`);
  }
  if (mode === 'dev' && grpc.tls.caFile !== undefined && grpc.tls.clientCertificate === 'none') {
    issue(
      ['tls', 'caFile'],
      'is, with grpc.tls.mode dev, only for grpc.tls.clientCertificate require (the CAs client certificates must chain to)',
    );
  }
  if (mode === 'off') {
    if (grpc.tls.caFile !== undefined) issue(['tls', 'caFile'], 'is only for grpc.tls.mode dev or files (TLS is off)');
    if (grpc.tls.clientCertificate !== 'none')
      issue(['tls', 'clientCertificate'], 'needs TLS: set grpc.tls.mode to dev or files');
    if (!isLoopbackHost(grpc.host) && !grpc.allowPlaintext) {
      issue(
        ['host'],
        'is not a loopback address and grpc.tls.mode is off: bearer tokens would cross the network in plaintext. ' +
          'Set grpc.tls.mode to dev or files (SIPBREAKOUT_GRPC_TLS_MODE), or grpc.allowPlaintext to true (SIPBREAKOUT_GRPC_ALLOW_PLAINTEXT) behind a TLS-terminating proxy',
      );
    }
  }
}

/** The validated configuration schema (every key has a default). */
export const CORE_CONFIG_SCHEMA = z.strictObject({
  dataDir: z.string({ error: 'must be a folder path (a JSON string)' }).min(1, 'must not be empty').default('./.data'),
  logLevel: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  sip: z
    .strictObject({
      // The host of every party's URI in what crosses between the mobile side and a TAS (topology hiding).
      domain: domainName.default(DEFAULT_SIP_DOMAIN),
      mobile: z
        .strictObject({
          host: host.default('127.0.0.1'),
          udpPort: port.default(5060),
          tcpPort: port.default(5060),
          nextHop: sipUri.default('sip:127.0.0.1:5080;transport=udp'),
        })
        .prefault({}),
      tas: z
        .strictObject({
          host: host.default('127.0.0.1'),
          tlsPort: port.default(5061),
          clientCertificate: z
            .enum(['none', 'request', 'require'], { error: 'must be one of none, request, require' })
            .default('request'),
          certFile: filePath.optional(),
          keyFile: filePath.optional(),
          caFile: filePath.optional(),
        })
        .prefault({})
        .superRefine((tas, context) => {
          // The certificate and its key go together; the one missing is the key at fault.
          if (tas.certFile !== undefined && tas.keyFile === undefined)
            context.addIssue({ code: 'custom', path: ['keyFile'], message: 'is required with sip.tas.certFile' });
          if (tas.keyFile !== undefined && tas.certFile === undefined)
            context.addIssue({ code: 'custom', path: ['certFile'], message: 'is required with sip.tas.keyFile' });
        }),
      retryAfterSeconds: seconds(0).default(300),
      // A call leaves about 3.3 transactions lingering 32 s on UDP (RFC 6026 Timers L and M, Timer J):
      // 400,000 carries about 3,500 calls/s sustained, in about 2 GiB of heap.
      maxTransactions: atLeast('a transaction count', 1).default(400_000),
    })
    .prefault({}),
  grpc: z
    .strictObject({
      host: host.default('127.0.0.1'),
      port: port.default(50051),
      drainSeconds: seconds(0).default(10),
      allowPlaintext: z.boolean({ error: 'must be true or false' }).default(false),
      tls: z
        .strictObject({
          mode: z.enum(GRPC_TLS_MODES, { error: `must be one of ${GRPC_TLS_MODES.join(', ')}` }).default('off'),
          certFile: filePath.optional(),
          keyFile: filePath.optional(),
          caFile: filePath.optional(),
          clientCertificate: z
            .enum(GRPC_CLIENT_CERTIFICATE_MODES, {
              error: `must be one of ${GRPC_CLIENT_CERTIFICATE_MODES.join(', ')}`,
            })
            .default('none'),
        })
        .prefault({}),
    })
    .prefault({})
    .superRefine(checkGrpcTransportSecurity),
  http: z
    .strictObject({
      host: host.default('127.0.0.1'),
      port: port.default(9090),
    })
    .prefault({}),
  auth: z
    .strictObject({
      jwksFile: filePath.optional(),
      jwksUrl: z.url('must be a URL').optional(),
      issuer: z.string().min(1, 'must not be empty').default('urn:sipbreakout:dev'),
      audience: z.string().min(1, 'must not be empty').default('sipbreakout'),
      clientNumbers: z
        .record(z.string().min(1), z.array(z.string().regex(/^\+\d{0,15}$/, 'must be + followed by up to 15 digits')))
        .optional(),
    })
    .prefault({})
    .refine((auth) => auth.jwksFile === undefined || auth.jwksUrl === undefined, {
      message: 'is set as well as auth.jwksFile: give one of them',
      path: ['jwksUrl'],
    }),
  store: z
    .strictObject({
      kind: z.enum(['journal', 'redis'], { error: 'must be journal or redis' }).default('journal'),
      redisUrl: z
        .string()
        .regex(/^rediss?:\/\/.+/, 'must be a redis:// or rediss:// URL')
        .default('redis://127.0.0.1:6379'),
      ttlSeconds: seconds(1).default(3600),
    })
    .prefault({}),
  dns: z
    .strictObject({
      // Omitted: the system's servers (/etc/resolv.conf).
      servers: z
        .array(dnsServer)
        .min(1, "must name at least one server (leave the key out for the system's)")
        .optional(),
    })
    .prefault({}),
  mediaRelay: z
    .strictObject({
      // Omitted: no media relay, SDP relayed unchanged.
      ng: z
        .string()
        .refine((v) => parseIpPort(v) !== undefined, "must be IPv4:port or [IPv6]:port (rtpengine's --listen-ng)")
        .optional(),
      timeoutMs: bounded('a timeout in milliseconds', 10, 60_000).default(500),
      attempts: bounded('a number of attempts', 1, 10).default(3),
      onFailure: z
        .enum(MEDIA_RELAY_FAILURE_ACTIONS, { error: `must be one of ${MEDIA_RELAY_FAILURE_ACTIONS.join(', ')}` })
        .default('reject'),
    })
    .prefault({}),
  webTerminal: z
    .strictObject({
      terminalsPerNumber: atLeast('a number of terminals', 1).default(DEFAULT_TERMINAL_LIMITS.terminalsPerNumber),
      callsPerNumber: atLeast('a number of calls', 1).default(DEFAULT_TERMINAL_LIMITS.callsPerNumber),
      messagesPerSecond: atLeast('a number of messages', 1).default(DEFAULT_TERMINAL_LIMITS.messagesPerSecond),
      maxSdpLength: atLeast('a length in characters', 1).default(DEFAULT_TERMINAL_LIMITS.maxSdpLength),
      reattachGraceSeconds: seconds(0).default(DEFAULT_REATTACH_GRACE_SECONDS),
    })
    .prefault({}),
  routing: z
    .strictObject({
      fallbackTimeoutSeconds: seconds(1).default(30),
      tasFailure: z
        .strictObject({
          LOOP: tasFailureAction.default(DEFAULT_TAS_FAILURE.LOOP),
          LOOP_MO: tasFailureAction.default(DEFAULT_TAS_FAILURE.LOOP_MO),
          LOOP_MT: tasFailureAction.default(DEFAULT_TAS_FAILURE.LOOP_MT),
          FORK: tasFailureAction.default(DEFAULT_TAS_FAILURE.FORK),
          FALLBACK: tasFailureAction.default(DEFAULT_TAS_FAILURE.FALLBACK),
        })
        .prefault({}),
    })
    .prefault({}),
});

/** The configuration the core runs with, every default filled in. */
export type CoreConfig = z.output<typeof CORE_CONFIG_SCHEMA>;

/** A configuration as written in a file (every key optional). */
export type CoreConfigInput = z.input<typeof CORE_CONFIG_SCHEMA>;

/**
 * The breakout core's configuration: its shape, its validation and its
 * embedded defaults (a fresh machine needs no file at all).
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { ROUTE_TYPES } from '@sipbreakout/routing';
import { parseUri } from '@sipbreakout/sip-core';

const port = z.number().int('must be an integer').min(0, 'must be 0-65535 (0 picks a free port)').max(65535, 'must be 0-65535 (0 picks a free port)');
const host = z.string().min(1, 'must not be empty');
const seconds = (min: number) => z.number().int('must be an integer').min(min, `must be at least ${min}`);

/** Log levels pino knows. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

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

/** The validated configuration schema (every key has a default). */
export const CORE_CONFIG_SCHEMA = z.strictObject({
  dataDir: z.string().min(1, 'must not be empty').default('./.data'),
  logLevel: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  sip: z
    .strictObject({
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
          certFile: z.string().min(1).optional(),
          keyFile: z.string().min(1).optional(),
          caFile: z.string().min(1).optional(),
        })
        .prefault({})
        .refine((tas) => (tas.certFile === undefined) === (tas.keyFile === undefined), {
          message: 'certFile and keyFile go together',
          path: ['certFile'],
        }),
      retryAfterSeconds: seconds(0).default(300),
      // A call leaves about 3.3 transactions lingering 32 s on UDP (RFC 6026 Timers L and M, Timer J):
      // 400,000 carries about 3,500 calls/s sustained, in about 2 GiB of heap.
      maxTransactions: seconds(1).default(400_000),
    })
    .prefault({}),
  grpc: z
    .strictObject({
      host: host.default('127.0.0.1'),
      port: port.default(50051),
      drainSeconds: seconds(0).default(10),
    })
    .prefault({}),
  http: z
    .strictObject({
      host: host.default('127.0.0.1'),
      port: port.default(9090),
    })
    .prefault({}),
  auth: z
    .strictObject({
      jwksFile: z.string().min(1).optional(),
      jwksUrl: z.url('must be a URL').optional(),
      issuer: z.string().min(1).default('urn:sipbreakout:dev'),
      audience: z.string().min(1).default('sipbreakout'),
      clientNumbers: z
        .record(z.string().min(1), z.array(z.string().regex(/^\+\d{0,15}$/, 'must be + followed by up to 15 digits')))
        .optional(),
    })
    .prefault({})
    .refine((auth) => auth.jwksFile === undefined || auth.jwksUrl === undefined, {
      message: 'give jwksFile or jwksUrl, not both',
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
      servers: z.array(dnsServer).min(1, 'must name at least one server (leave the key out for the system\'s)').optional(),
    })
    .prefault({}),
  mediaRelay: z
    .strictObject({
      // Omitted: no media relay, SDP relayed unchanged.
      ng: z.string().refine((v) => parseIpPort(v) !== undefined, "must be IPv4:port or [IPv6]:port (rtpengine's --listen-ng)").optional(),
      timeoutMs: z.number().int('must be an integer').min(10, 'must be 10-60000').max(60_000, 'must be 10-60000').default(500),
      attempts: z.number().int('must be an integer').min(1, 'must be 1-10').max(10, 'must be 1-10').default(3),
      onFailure: z.enum(MEDIA_RELAY_FAILURE_ACTIONS, { error: `must be one of ${MEDIA_RELAY_FAILURE_ACTIONS.join(', ')}` }).default('reject'),
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


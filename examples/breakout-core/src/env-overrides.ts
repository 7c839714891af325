/**
 * The core's environment overrides: every scalar configuration key has a
 * `SIPBREAKOUT_…` variable that wins over the file and the defaults.
 */
import type { EnvOverride } from '@sipbreakout/service-kit';

/** The prefix of every variable of the core; one that sets no key is an error. */
export const ENV_PREFIX = 'SIPBREAKOUT_';

/** The variable naming the configuration file (the `--config` argument wins over it). */
export const CONFIG_FILE_ENV = 'SIPBREAKOUT_CONFIG';

/** Every override, in the order of the README's table. */
export const ENV_OVERRIDES: readonly EnvOverride[] = [
  { env: 'SIPBREAKOUT_DATA_DIR', key: 'dataDir', kind: 'string' },
  { env: 'SIPBREAKOUT_LOG_LEVEL', key: 'logLevel', kind: 'string' },
  { env: 'SIPBREAKOUT_SIP_DOMAIN', key: 'sip.domain', kind: 'string' },
  { env: 'SIPBREAKOUT_SIP_MOBILE_HOST', key: 'sip.mobile.host', kind: 'string' },
  { env: 'SIPBREAKOUT_SIP_MOBILE_UDP_PORT', key: 'sip.mobile.udpPort', kind: 'integer' },
  { env: 'SIPBREAKOUT_SIP_MOBILE_TCP_PORT', key: 'sip.mobile.tcpPort', kind: 'integer' },
  { env: 'SIPBREAKOUT_SIP_MOBILE_NEXT_HOP', key: 'sip.mobile.nextHop', kind: 'string' },
  { env: 'SIPBREAKOUT_SIP_TAS_HOST', key: 'sip.tas.host', kind: 'string' },
  { env: 'SIPBREAKOUT_SIP_TAS_TLS_PORT', key: 'sip.tas.tlsPort', kind: 'integer' },
  { env: 'SIPBREAKOUT_SIP_TAS_CLIENT_CERTIFICATE', key: 'sip.tas.clientCertificate', kind: 'string' },
  { env: 'SIPBREAKOUT_SIP_TAS_CERT_FILE', key: 'sip.tas.certFile', kind: 'string' },
  { env: 'SIPBREAKOUT_SIP_TAS_KEY_FILE', key: 'sip.tas.keyFile', kind: 'string' },
  { env: 'SIPBREAKOUT_SIP_TAS_CA_FILE', key: 'sip.tas.caFile', kind: 'string' },
  { env: 'SIPBREAKOUT_SIP_RETRY_AFTER_SECONDS', key: 'sip.retryAfterSeconds', kind: 'integer' },
  { env: 'SIPBREAKOUT_SIP_MAX_TRANSACTIONS', key: 'sip.maxTransactions', kind: 'integer' },
  { env: 'SIPBREAKOUT_GRPC_HOST', key: 'grpc.host', kind: 'string' },
  { env: 'SIPBREAKOUT_GRPC_PORT', key: 'grpc.port', kind: 'integer' },
  { env: 'SIPBREAKOUT_GRPC_DRAIN_SECONDS', key: 'grpc.drainSeconds', kind: 'integer' },
  { env: 'SIPBREAKOUT_GRPC_TLS_MODE', key: 'grpc.tls.mode', kind: 'string' },
  { env: 'SIPBREAKOUT_GRPC_TLS_CERT_FILE', key: 'grpc.tls.certFile', kind: 'string' },
  { env: 'SIPBREAKOUT_GRPC_TLS_KEY_FILE', key: 'grpc.tls.keyFile', kind: 'string' },
  { env: 'SIPBREAKOUT_GRPC_TLS_CA_FILE', key: 'grpc.tls.caFile', kind: 'string' },
  { env: 'SIPBREAKOUT_GRPC_TLS_CLIENT_CERTIFICATE', key: 'grpc.tls.clientCertificate', kind: 'string' },
  { env: 'SIPBREAKOUT_GRPC_ALLOW_PLAINTEXT', key: 'grpc.allowPlaintext', kind: 'boolean' },
  { env: 'SIPBREAKOUT_HTTP_HOST', key: 'http.host', kind: 'string' },
  { env: 'SIPBREAKOUT_HTTP_PORT', key: 'http.port', kind: 'integer' },
  { env: 'SIPBREAKOUT_AUTH_JWKS_FILE', key: 'auth.jwksFile', kind: 'string' },
  { env: 'SIPBREAKOUT_AUTH_JWKS_URL', key: 'auth.jwksUrl', kind: 'string' },
  { env: 'SIPBREAKOUT_AUTH_ISSUER', key: 'auth.issuer', kind: 'string' },
  { env: 'SIPBREAKOUT_AUTH_AUDIENCE', key: 'auth.audience', kind: 'string' },
  { env: 'SIPBREAKOUT_STORE', key: 'store.kind', kind: 'string' },
  { env: 'SIPBREAKOUT_REDIS_URL', key: 'store.redisUrl', kind: 'string' },
  { env: 'SIPBREAKOUT_TTL_SECONDS', key: 'store.ttlSeconds', kind: 'integer' },
  { env: 'SIPBREAKOUT_DNS_SERVERS', key: 'dns.servers', kind: 'list' },
  { env: 'SIPBREAKOUT_MEDIA_RELAY_NG', key: 'mediaRelay.ng', kind: 'string' },
  { env: 'SIPBREAKOUT_MEDIA_RELAY_TIMEOUT_MS', key: 'mediaRelay.timeoutMs', kind: 'integer' },
  { env: 'SIPBREAKOUT_MEDIA_RELAY_ATTEMPTS', key: 'mediaRelay.attempts', kind: 'integer' },
  { env: 'SIPBREAKOUT_MEDIA_RELAY_ON_FAILURE', key: 'mediaRelay.onFailure', kind: 'string' },
  { env: 'SIPBREAKOUT_WEB_TERMINAL_TERMINALS_PER_NUMBER', key: 'webTerminal.terminalsPerNumber', kind: 'integer' },
  { env: 'SIPBREAKOUT_WEB_TERMINAL_CALLS_PER_NUMBER', key: 'webTerminal.callsPerNumber', kind: 'integer' },
  { env: 'SIPBREAKOUT_WEB_TERMINAL_MESSAGES_PER_SECOND', key: 'webTerminal.messagesPerSecond', kind: 'integer' },
  { env: 'SIPBREAKOUT_WEB_TERMINAL_MAX_SDP_LENGTH', key: 'webTerminal.maxSdpLength', kind: 'integer' },
  { env: 'SIPBREAKOUT_WEB_TERMINAL_REATTACH_GRACE_SECONDS', key: 'webTerminal.reattachGraceSeconds', kind: 'integer' },
  { env: 'SIPBREAKOUT_FALLBACK_TIMEOUT_SECONDS', key: 'routing.fallbackTimeoutSeconds', kind: 'integer' },
  { env: 'SIPBREAKOUT_TAS_FAILURE_LOOP', key: 'routing.tasFailure.LOOP', kind: 'string' },
  { env: 'SIPBREAKOUT_TAS_FAILURE_LOOP_MO', key: 'routing.tasFailure.LOOP_MO', kind: 'string' },
  { env: 'SIPBREAKOUT_TAS_FAILURE_LOOP_MT', key: 'routing.tasFailure.LOOP_MT', kind: 'string' },
  { env: 'SIPBREAKOUT_TAS_FAILURE_FORK', key: 'routing.tasFailure.FORK', kind: 'string' },
  { env: 'SIPBREAKOUT_TAS_FAILURE_FALLBACK', key: 'routing.tasFailure.FALLBACK', kind: 'string' },
];

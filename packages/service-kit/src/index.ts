/**
 * @packageDocumentation
 * What every runnable program of sipbreakout shares: configuration from a
 * JSON file and prefixed environment variables validated by the program's
 * zod schema ({@link loadConfig}, {@link ConfigError}), JSON logs
 * ({@link createLogger}, {@link lazyChild}), the operations listener
 * (`/metrics`, `/healthz`), the startup banner, graceful shutdown on
 * signals, the development signing key and PKI ({@link ensureDevPki}), and SIP transports seen by metrics
 * and logs ({@link ObservedTransport}, {@link ObservedTlsTransport}) with
 * the machine's DNS ({@link SystemDnsLookup}).
 */
export {
  CONFIG_ERROR_CODES,
  ConfigError,
  isConfigError,
  type ConfigErrorCode,
  type ConfigErrorOrigin,
} from './config-error.js';
export {
  configKeyError,
  describeConfigSource,
  showConfigValue,
  type ConfigKeyProblem,
  type ConfigOrigins,
  type ConfigValueSource,
} from './config-origin.js';
export { readEnvValue, type EnvOverride, type EnvValueKind } from './env-override.js';
export { loadConfig, type ConfigInput, type ConfigSource, type LoadConfigResult } from './load-config.js';
export { createLogger, LOG_LEVELS, type CreateLoggerOptions, type LogLevel } from './create-logger.js';
export { lazyChild } from './lazy-logger.js';
export {
  startOperationsHttpServer,
  type HealthReport,
  type OperationsHttpServer,
  type OperationsHttpServerOptions,
} from './operations-http-server.js';
export { formatBanner, STOP_LINE, type Banner, type BannerRow } from './startup-banner.js';
export { stopOnSignals, type SignalTarget, type StopOnSignalsOptions } from './shutdown-signals.js';
export {
  devGrpcServerNames,
  ensureDevGrpcCertificates,
  ensureDevPki,
  type DevGrpcCertificate,
  type DevGrpcCertificates,
  type DevPki,
} from './dev-pki.js';
export { ensureDevSigningKey, type DevSigningKey, type DevTokenOptions } from './dev-signing-key.js';
export {
  methodLabel,
  ObservedTransport,
  reasonLabel,
  sessionIdOf,
  startLineOfSent,
  summarizeSent,
  type SentSummary,
  type TransportMetrics,
} from './observed-transport.js';
export { ObservedTlsTransport, type TlsFailureListener } from './observed-tls-transport.js';
export { SystemDnsLookup, type SystemDnsLookupOptions } from './system-dns-lookup.js';

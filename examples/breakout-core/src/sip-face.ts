/**
 * One SIP face of the core: its transports (observed), a TransportLayer
 * (RFC 3261 §18) and a TransactionLayer (§17) above them. The mobile face
 * speaks UDP and TCP to the operator's network; the TAS face speaks TLS only.
 */
import type { Logger } from 'pino';
import {
  SystemClock,
  TcpTransport,
  TransactionLayer,
  TransportLayer,
  UdpTransport,
  type HostPort,
  type Transport,
  type TransactionUser,
  type TransportProtocol,
} from '@sipbreakout/sip-core';
import type { CoreMetrics, FaceName } from './core-metrics.js';
import { ObservedTlsTransport } from './observed-tls-transport.js';
import { ObservedTransport } from './observed-transport.js';

/** A running face. */
export interface SipFace {
  readonly name: FaceName;
  readonly transportLayer: TransportLayer;
  readonly transactionLayer: TransactionLayer;
  /** Where each transport listens. */
  readonly listening: ReadonlyArray<{ readonly protocol: TransportProtocol; readonly local: HostPort }>;
  /** Closes the transactions, then every socket. */
  close(): Promise<void>;
}

/** TLS material of the TAS face. */
export interface TasFaceTls {
  /** CAs a TAS's certificate chain must verify against. */
  readonly ca: readonly string[];
  readonly cert: string;
  readonly key: string;
  readonly clientCertificate: 'none' | 'request' | 'require';
}

interface FaceOptions {
  readonly name: FaceName;
  readonly transports: readonly Transport[];
  readonly user: TransactionUser;
  readonly metrics: CoreMetrics;
  readonly log: Logger;
  readonly maxTransactions: number;
}

async function startFace(options: FaceOptions): Promise<SipFace> {
  const observed = options.transports.map((t) => new ObservedTransport(t, options.name, options.metrics, options.log));
  const transportLayer = new TransportLayer({ transports: observed });
  const transactionLayer = new TransactionLayer({
    clock: new SystemClock(),
    transport: transportLayer,
    user: options.user,
    limits: { maxTransactions: options.maxTransactions },
  });
  transportLayer.setReceiver(transactionLayer);
  try {
    await transportLayer.listen();
  } catch (error) {
    await transportLayer.close().catch(() => undefined);
    throw error;
  }
  return {
    name: options.name,
    transportLayer,
    transactionLayer,
    listening: observed.map((t) => ({ protocol: t.protocol, local: t.local })),
    close: async () => {
      transactionLayer.close();
      await transportLayer.close();
    },
  };
}

/** Starts the mobile face: UDP and TCP on `host`. */
export function startMobileFace(options: {
  readonly host: string;
  readonly udpPort: number;
  readonly tcpPort: number;
  readonly user: TransactionUser;
  readonly metrics: CoreMetrics;
  readonly log: Logger;
  readonly maxTransactions: number;
}): Promise<SipFace> {
  return startFace({
    name: 'mobile',
    transports: [new UdpTransport({ host: options.host, port: options.udpPort }), new TcpTransport({ host: options.host, port: options.tcpPort })],
    user: options.user,
    metrics: options.metrics,
    log: options.log,
    maxTransactions: options.maxTransactions,
  });
}

/** Starts the TAS face: TLS on `host`, asking for (or requiring) client certificates as configured. */
export function startTasFace(options: {
  readonly host: string;
  readonly tlsPort: number;
  readonly tls: TasFaceTls;
  readonly user: TransactionUser;
  readonly metrics: CoreMetrics;
  readonly log: Logger;
  readonly maxTransactions: number;
}): Promise<SipFace> {
  const { tls, metrics } = options;
  const transport = new ObservedTlsTransport(
    {
      host: options.host,
      port: options.tlsPort,
      ca: tls.ca,
      cert: tls.cert,
      key: tls.key,
      requestClientCertificate: tls.clientCertificate !== 'none',
      requireClientCertificate: tls.clientCertificate === 'require',
    },
    (cause) => {
      metrics.tlsFailures.inc({ face: 'tas', direction: 'inbound', cause });
      options.log.info({ face: 'tas', cause }, 'inbound tls failure');
    },
  );
  return startFace({ name: 'tas', transports: [transport], user: options.user, metrics, log: options.log, maxTransactions: options.maxTransactions });
}

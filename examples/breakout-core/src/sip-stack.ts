/**
 * The core's SIP stack: the mobile face (UDP and TCP, toward the operator's
 * network) and the TAS face (TLS only) under ONE transport layer (RFC 3261
 * §18), one transaction layer (§17) and one dialog layer (§12–§15). One
 * layer over both faces is what lets a B2BUA call take its incoming leg on
 * one face and send its outgoing legs on the other: the transport a
 * destination names (UDP/TCP or TLS) picks the face, and each face's
 * address is the Contact of the legs it carries.
 */
import type { Logger } from 'pino';
import { ObservedTlsTransport, ObservedTransport } from '@sipbreakout/service-kit';
import {
  DialogLayer,
  TcpTransport,
  TransportLayer,
  UdpTransport,
  type Clock,
  type HostPort,
  type ServerInvite,
  type TlsTransport,
  type TransportProtocol,
  type Destination,
  type Uri,
} from '@sipbreakout/sip-core';
import type { CoreMetrics, FaceName } from './core-metrics.js';

/** TLS material of the TAS face. */
export interface TasFaceTls {
  /** CAs a TAS's certificate chain must verify against (inbound and outbound). */
  readonly ca: readonly string[];
  readonly cert: string;
  readonly key: string;
  readonly clientCertificate: 'none' | 'request' | 'require';
}

/** Options of {@link startSipStack}. */
export interface SipStackOptions {
  readonly mobile: { readonly host: string; readonly udpPort: number; readonly tcpPort: number };
  readonly tas: { readonly host: string; readonly tlsPort: number; readonly tls: TasFaceTls };
  readonly metrics: CoreMetrics;
  readonly log: Logger;
  /** Every timer of the transaction and dialog layers. */
  readonly clock: Clock;
  readonly maxTransactions: number;
  /** The destination of a URI an in-dialog request goes to (default: its host, port and transport). */
  readonly resolve?: (uri: Uri) => Destination;
  /** Each new INVITE outside a dialog (set later with {@link SipStack.setInviteHandler}). */
  readonly onInvite?: (invite: ServerInvite) => void;
}

/** The running stack. */
export interface SipStack {
  readonly dialogLayer: DialogLayer;
  readonly transportLayer: TransportLayer;
  /** The TAS face's TLS transport (unobserved), to open and verify connections toward TASes. */
  readonly tls: TlsTransport;
  /** Where each transport listens, by face. */
  readonly listening: ReadonlyArray<{
    readonly face: FaceName;
    readonly protocol: TransportProtocol;
    readonly local: HostPort;
  }>;
  /** Sets who gets new INVITEs. */
  setInviteHandler(handler: (invite: ServerInvite) => void): void;
  /** Closes every transaction and dialog, then every socket. */
  close(): Promise<void>;
}

/** The face a transport protocol belongs to: TLS is the TAS face, the rest the mobile face. */
export function faceOfProtocol(protocol: TransportProtocol): FaceName {
  return protocol === 'TLS' ? 'tas' : 'mobile';
}

/** Binds both faces and starts the layers above them. */
export async function startSipStack(options: SipStackOptions): Promise<SipStack> {
  const { metrics, log } = options;
  const { tls } = options.tas;
  const tlsTransport = new ObservedTlsTransport(
    {
      host: options.tas.host,
      port: options.tas.tlsPort,
      ca: tls.ca,
      cert: tls.cert,
      key: tls.key,
      requestClientCertificate: tls.clientCertificate !== 'none',
      requireClientCertificate: tls.clientCertificate === 'require',
    },
    (cause) => {
      metrics.tlsFailures.inc({ face: 'tas', direction: 'inbound', cause });
      log.info({ face: 'tas', cause }, 'inbound tls failure');
    },
  );
  const observed = [
    new ObservedTransport(
      new UdpTransport({
        host: options.mobile.host,
        port: options.mobile.udpPort,
        recvBufferSize: 4 << 20,
        sendBufferSize: 4 << 20,
      }),
      'mobile',
      metrics,
      log,
    ),
    new ObservedTransport(
      new TcpTransport({ host: options.mobile.host, port: options.mobile.tcpPort }),
      'mobile',
      metrics,
      log,
    ),
    new ObservedTransport(tlsTransport, 'tas', metrics, log),
  ];
  const transportLayer = new TransportLayer({ transports: observed });
  const dialogLayer = new DialogLayer({
    clock: options.clock,
    transport: transportLayer,
    limits: { maxTransactions: options.maxTransactions },
    ...(options.onInvite === undefined ? {} : { onInvite: options.onInvite }),
    ...(options.resolve === undefined ? {} : { resolve: options.resolve }),
  });
  transportLayer.setReceiver(dialogLayer.transactions);
  try {
    await transportLayer.listen();
  } catch (error) {
    await transportLayer.close().catch(() => undefined);
    throw error;
  }
  return {
    dialogLayer,
    transportLayer,
    tls: tlsTransport,
    listening: observed.map((t) => ({ face: faceOfProtocol(t.protocol), protocol: t.protocol, local: t.local })),
    setInviteHandler: (handler) => {
      dialogLayer.onInvite = handler;
    },
    close: async () => {
      dialogLayer.close();
      await transportLayer.close();
    },
  };
}

/**
 * The addresses the core listens on, tried before anything is written: each
 * configured port is bound (all at once, so two keys naming one port are
 * caught too) and released straight away. A port another process holds,
 * a port the core may not bind, or a host that is not this machine's is a
 * {@link ConfigError} naming its key, its source and the address
 * (`sip.mobile.udpPort (default): 127.0.0.1:5060 is already in use (EADDRINUSE)`).
 * The same words serve a bind that still fails when the core starts.
 */
import dgram from 'node:dgram';
import { isIP, createServer, type Server } from 'node:net';
import type { ConfigError } from '@sipbreakout/service-kit';
import type { CoreConfig } from './config-schema.js';
import type { KeyProblem } from './key-problem.js';

/** One socket the core will listen on, and the keys that say where. */
export interface PlannedListener {
  /** The key of its port (`sip.mobile.udpPort`). */
  readonly portKey: string;
  /** The key of its host (`sip.mobile.host`). */
  readonly hostKey: string;
  readonly host: string;
  /** 0: any free port (nothing to check). */
  readonly port: number;
  readonly protocol: 'udp' | 'tcp';
}

/** `host:port`, an IPv6 host in brackets (RFC 3986 §3.2.2). */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

const WILDCARDS = new Set(['0.0.0.0', '::', '[::]', '']);

/** Whether two listeners would take the same socket: same protocol and port, and one host the same or a wildcard. */
function clash(a: PlannedListener, b: PlannedListener): boolean {
  return (
    a.protocol === b.protocol &&
    a.port === b.port &&
    a.port !== 0 &&
    (a.host.toLowerCase() === b.host.toLowerCase() || WILDCARDS.has(a.host) || WILDCARDS.has(b.host))
  );
}

/**
 * The {@link ConfigError} of a bind that failed with `error`: a port in use
 * or refused names the port's key; an address this machine does not have
 * (or a name that does not resolve) names the host's key. Undefined for any
 * other failure.
 */
export function listenProblem(
  listener: PlannedListener,
  error: unknown,
  problem: KeyProblem,
  code: string | undefined = (error as NodeJS.ErrnoException | undefined)?.code,
): ConfigError | undefined {
  const address = hostPort(listener.host, listener.port);
  switch (code) {
    case 'EADDRINUSE':
      return problem('CONFIG_ERR_BAD_VALUE', listener.portKey, address, `is already in use (${code})`, error);
    case 'EACCES':
      return problem(
        'CONFIG_ERR_BAD_VALUE',
        listener.portKey,
        address,
        `cannot be listened on (${code}: ports below 1024 need privileges)`,
        error,
      );
    case 'EADDRNOTAVAIL':
      return problem(
        'CONFIG_ERR_BAD_VALUE',
        listener.hostKey,
        JSON.stringify(listener.host),
        `is not an address of this machine (${code})`,
        error,
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME':
      return problem(
        'CONFIG_ERR_BAD_VALUE',
        listener.hostKey,
        JSON.stringify(listener.host),
        `does not resolve to an address (${code})`,
        error,
      );
    default:
      return undefined;
  }
}

type Held = { close(): Promise<void> };

function bindUdp(listener: PlannedListener): Promise<Held> {
  const socket = dgram.createSocket(isIP(listener.host) === 6 ? 'udp6' : 'udp4');
  return new Promise((resolve, reject) => {
    socket.once('error', (error) => {
      socket.close();
      reject(error);
    });
    socket.bind({ address: listener.host, port: listener.port, exclusive: true }, () =>
      resolve({ close: () => new Promise((done) => socket.close(() => done())) }),
    );
  });
}

function bindTcp(listener: PlannedListener): Promise<Held> {
  const server: Server = createServer();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: listener.host, port: listener.port, exclusive: true }, () =>
      resolve({ close: () => new Promise((done) => server.close(() => done())) }),
    );
  });
}

/**
 * Binds every listener with a port (all held at once, then released) and
 * throws the {@link ConfigError} of the first that cannot be bound, or of
 * the second of two keys that name the same socket.
 */
export async function checkListenAddresses(listeners: readonly PlannedListener[], problem: KeyProblem): Promise<void> {
  const planned = listeners.filter((l) => l.port !== 0);
  for (const [i, listener] of planned.entries()) {
    const earlier = planned.slice(0, i).find((other) => clash(other, listener));
    if (earlier !== undefined)
      throw problem(
        'CONFIG_ERR_BAD_VALUE',
        listener.portKey,
        hostPort(listener.host, listener.port),
        `is already taken by ${earlier.portKey} (${earlier.protocol.toUpperCase()} ${hostPort(earlier.host, earlier.port)})`,
      );
  }
  const held: Held[] = [];
  try {
    for (const listener of planned) {
      try {
        held.push(await (listener.protocol === 'udp' ? bindUdp(listener) : bindTcp(listener)));
      } catch (error) {
        throw listenProblem(listener, error, problem) ?? error;
      }
    }
  } finally {
    await Promise.all(held.map((h) => h.close()));
  }
}

/** The sockets the configuration asks for, with the keys that name them. */
export function plannedListeners(config: CoreConfig): {
  readonly sip: readonly PlannedListener[];
  readonly grpc: PlannedListener;
  readonly http: PlannedListener;
} {
  const { mobile, tas } = config.sip;
  return {
    sip: [
      {
        portKey: 'sip.mobile.udpPort',
        hostKey: 'sip.mobile.host',
        host: mobile.host,
        port: mobile.udpPort,
        protocol: 'udp',
      },
      {
        portKey: 'sip.mobile.tcpPort',
        hostKey: 'sip.mobile.host',
        host: mobile.host,
        port: mobile.tcpPort,
        protocol: 'tcp',
      },
      { portKey: 'sip.tas.tlsPort', hostKey: 'sip.tas.host', host: tas.host, port: tas.tlsPort, protocol: 'tcp' },
    ],
    grpc: {
      portKey: 'grpc.port',
      hostKey: 'grpc.host',
      host: config.grpc.host,
      port: config.grpc.port,
      protocol: 'tcp',
    },
    http: {
      portKey: 'http.port',
      hostKey: 'http.host',
      host: config.http.host,
      port: config.http.port,
      protocol: 'tcp',
    },
  };
}

/** The SIP listener a bind error (Node's, carrying the port and the system call) belongs to. */
export function sipListenerOf(listeners: readonly PlannedListener[], error: unknown): PlannedListener | undefined {
  const e = error as NodeJS.ErrnoException & { port?: number };
  const protocol = e.syscall === 'bind' ? 'udp' : 'tcp';
  return listeners.find((l) => l.protocol === protocol && l.port === e.port) ?? undefined;
}

/**
 * Runs `listen` (a bind the check passed a moment ago): a bind failure of
 * `listener` (or of the one a function picks from the error) becomes the
 * configuration problem that names its key; any other error is thrown as is.
 */
export async function listening<T>(
  listener: PlannedListener | ((error: unknown) => PlannedListener | undefined),
  problem: KeyProblem,
  listen: () => Promise<T>,
): Promise<T> {
  try {
    return await listen();
  } catch (error) {
    const owner = typeof listener === 'function' ? listener(error) : listener;
    // grpc-js reports a bind failure in its message only ("… [listen EADDRINUSE: address already in use …]").
    const code =
      (error as NodeJS.ErrnoException).code ??
      /\b(EADDRINUSE|EACCES|EADDRNOTAVAIL)\b/.exec((error as Error).message ?? '')?.[1];
    throw (owner === undefined ? undefined : listenProblem(owner, error, problem, code)) ?? error;
  }
}

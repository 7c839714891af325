/**
 * The gRPC client of the core's `WebTerminalService`: its channel (TLS with
 * a CA file, or plaintext; `auto` asks the port which it speaks) and the two
 * streaming methods, from the descriptors of `@sipbreakout/web-terminal`.
 */
import { isIP } from 'node:net';
import { connect } from 'node:tls';
import {
  credentials,
  makeGenericClientConstructor,
  Metadata,
  type ChannelCredentials,
  type ChannelOptions,
  type Client,
  type ClientDuplexStream,
} from '@grpc/grpc-js';
import { loadWebTerminalPackage, type WebTerminalMessage } from '@sipbreakout/web-terminal';

/** How the bridge reaches the core: `on` TLS, `off` plaintext, `auto` whichever the port speaks. */
export type TlsMode = 'auto' | 'on' | 'off';

/** A stream of either method. */
export type TerminalStream = ClientDuplexStream<WebTerminalMessage, WebTerminalMessage>;

/** The service's client, as grpc-js builds it from the descriptors. */
type WebTerminalClient = Client & {
  Pipe(metadata: Metadata): TerminalStream;
  MultiPipe(metadata: Metadata): TerminalStream;
};

/** Options of {@link CoreClient}. */
export interface CoreClientOptions {
  /** `host:port` of the core's gRPC API. */
  readonly address: string;
  readonly tls: TlsMode;
  /** PEM CAs that verify the core's certificate (undefined: the system's CAs). */
  readonly ca: Buffer | undefined;
  /** The name to check the certificate for, when the address is not in it. */
  readonly serverName: string | undefined;
}

/** The host and port of `host:port` or `[v6]:port`. */
export function splitAddress(address: string): { readonly host: string; readonly port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(address);
  const port = Number(match?.[3]);
  if (match === null || !Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`not host:port: ${address}`);
  return { host: match[1] ?? match[2] ?? '', port };
}

/**
 * Whether `address` speaks TLS: a TLS handshake is tried (the certificate is
 * not judged here; grpc-js checks it on the real connection). Resolves
 * `undefined` when nothing answers (the core is not up yet).
 */
export function probeTls(address: string, timeoutMs = 3000): Promise<boolean | undefined> {
  const { host, port } = splitAddress(address);
  return new Promise((resolve) => {
    const socket = connect({
      host,
      port,
      rejectUnauthorized: false,
      ALPNProtocols: ['h2'],
      ...(isIP(host) === 0 ? { servername: host } : {}),
    });
    const done = (result: boolean | undefined): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.once('secureConnect', () => done(true));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      // Refused or unreachable: nobody there yet. Anything else (a reply that is not TLS, the
      // connection closed on a ClientHello): a plaintext HTTP/2 server.
      const nobody = ['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT'].includes(error.code ?? '');
      done(nobody ? undefined : false);
    });
  });
}

/**
 * The core's `WebTerminalService`. The channel is made on the first
 * {@link CoreClient.open} (with `auto`, once the core answers the probe) and
 * kept: grpc-js reconnects it by itself.
 */
export class CoreClient {
  readonly #options: CoreClientOptions;
  #client: WebTerminalClient | undefined;
  #tls: boolean | undefined;

  constructor(options: CoreClientOptions) {
    this.#options = options;
    if (options.tls !== 'auto') this.#tls = options.tls === 'on';
  }

  /** Whether the channel speaks TLS; undefined until known. */
  get tls(): boolean | undefined {
    return this.#tls;
  }

  /** Opens a stream of `method` with `metadata`; rejects when the core cannot be reached yet (`auto`). */
  async open(method: 'Pipe' | 'MultiPipe', metadata: Metadata): Promise<TerminalStream> {
    const client = this.#client ?? (await this.#connect());
    return method === 'Pipe' ? client.Pipe(metadata) : client.MultiPipe(metadata);
  }

  async #connect(): Promise<WebTerminalClient> {
    if (this.#tls === undefined) {
      const tls = await probeTls(this.#options.address);
      if (tls === undefined) throw new Error(`nothing answers at ${this.#options.address}`);
      this.#tls = tls;
    }
    if (this.#client !== undefined) return this.#client;
    let channelCredentials: ChannelCredentials = credentials.createInsecure();
    let channelOptions: ChannelOptions = {};
    if (this.#tls) {
      channelCredentials = credentials.createSsl(this.#options.ca ?? null);
      const serverName = this.#options.serverName;
      if (serverName !== undefined)
        channelOptions = { 'grpc.ssl_target_name_override': serverName, 'grpc.default_authority': serverName };
    }
    const Constructor = makeGenericClientConstructor(loadWebTerminalPackage().service, 'WebTerminalService');
    this.#client = new Constructor(
      this.#options.address,
      channelCredentials,
      channelOptions,
    ) as unknown as WebTerminalClient;
    return this.#client;
  }

  close(): void {
    this.#client?.close();
  }
}

/**
 * Reaching a TAS before its leg 2 is sent: the registration's `sips:` URI is
 * located (RFC 3263 §4: SRV `_sips._tcp`, then `_sip._tcp`, then A/AAAA,
 * when it has no port), each target is tried in turn (§4.3), and a TLS
 * connection is opened to it, the certificate checked for the URI's domain
 * (RFC 5922 §7.2). The connection stays open in the TLS transport, so the
 * INVITE then goes over it; a failure comes back with its cause, for the
 * configured TAS-failure policy and the metrics.
 */
import { isIP } from 'node:net';
import {
  isDnsError,
  resolveSipUri,
  ServerLocator,
  tryTargets,
  type Destination,
  type DnsLookup,
  type ServerTarget,
  type TlsTransport,
  type Uri,
} from '@sipbreakout/sip-core';

/** An RFC 5626 §4.4.1 keep-alive: two CRLFs, which opens (or reuses) the connection without a SIP message. */
const KEEP_ALIVE = new Uint8Array([13, 10, 13, 10]);

/** The outcome of {@link TasConnector.connect}. */
export type TasConnection =
  | { readonly ok: true; readonly target: ServerTarget }
  /** `cause`: a `TLS_ERR_…`, `TRANSPORT_ERR_…` or `DNS_ERR_…` code. */
  | { readonly ok: false; readonly cause: string; readonly message: string };

/** Locates TASes and opens verified TLS connections to them. */
export class TasConnector {
  readonly #locator: ServerLocator;
  readonly #tls: TlsTransport;
  /** The target each connected TAS `domain:port` was reached at, for in-dialog requests. */
  readonly #reached = new Map<string, ServerTarget>();
  static readonly #MAX_REACHED = 10_000;

  constructor(options: { readonly tls: TlsTransport; readonly lookup: DnsLookup }) {
    this.#tls = options.tls;
    this.#locator = new ServerLocator({ lookup: options.lookup, families: [4, 6] });
  }

  /** The first target of `sipsUri` that accepts a TLS connection with a certificate for its domain. */
  async connect(sipsUri: string): Promise<TasConnection> {
    try {
      const target = await tryTargets(this.#locator.targets(sipsUri), async (t) => {
        await this.#tls.send(KEEP_ALIVE, t);
        return t;
      });
      this.#remember(sipsUri, target);
      return { ok: true, target };
    } catch (error) {
      return { ok: false, cause: causeOf(error), message: error instanceof Error ? error.message : String(error) };
    }
  }

  /**
   * The destination of a URI an in-dialog request goes to (a TAS's Contact,
   * a Route): for TLS toward a domain name this core reached before, the
   * same address and SIP domain, so the request takes the verified
   * connection already open (RFC 3261 §18.1.1); otherwise the URI's host,
   * port and transport, the domain checked on a new connection.
   */
  resolve(uri: Uri): Destination {
    const destination = resolveSipUri(uri);
    if (destination.protocol !== 'TLS' || isIP(destination.host) !== 0) return destination;
    return (
      this.#reached.get(`${destination.host.toLowerCase()}:${destination.port}`) ?? {
        ...destination,
        serverName: destination.host,
      }
    );
  }

  #remember(sipsUri: string, target: ServerTarget): void {
    const m = /^sips:(?:[^@]*@)?(\[[^\]]+\]|[^:;>]+)(?::(\d+))?/i.exec(sipsUri);
    if (m?.[1] === undefined) return;
    if (this.#reached.size >= TasConnector.#MAX_REACHED) this.#reached.clear();
    const port = m[2] === undefined ? target.port : Number(m[2]);
    this.#reached.set(`${m[1].toLowerCase()}:${port}`, target);
  }
}

/** The code of the error, or of the last failure behind `DNS_ERR_TARGETS_EXHAUSTED`. */
function causeOf(error: unknown): string {
  if (isDnsError(error, 'DNS_ERR_TARGETS_EXHAUSTED') && error instanceof Error && error.cause !== undefined)
    return causeOf(error.cause);
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return 'UNKNOWN';
}

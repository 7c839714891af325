/**
 * The transport layer of RFC 3261 §18 over a set of {@link Transport}s:
 * picks the transport of a request (§18.1.1, over 1300 bytes not on UDP),
 * stamps Via sent-by, stamps `received` and `rport` on requests received
 * (§18.2.1, RFC 3581 §4), drops responses whose Via is not ours (§18.1.2),
 * routes responses (§18.2.2, RFC 3581 §4) and answers requests that do not
 * parse with a 400 when they can be answered (RFC 3261 §8.2.6, §21.4.1).
 */
import type { SipParseError } from '../errors.js';
import { SipResponse, type SipRequest, type SipMessage } from '../message.js';
import { serializeMessage } from '../serialize-message.js';
import { serializeVia } from '../via.js';
import type { TransactionTransport } from './transaction-transport.js';
import { TransportError } from './transport-error.js';
import {
  type Destination,
  type MessageSource,
  type Transport,
  type TransportEvent,
  type TransportProtocol,
  defaultPort,
} from './transport.js';

/** Options of {@link TransportLayer}. */
export interface TransportLayerOptions {
  readonly transports: readonly Transport[];
  /**
   * RFC 3261 §18.1.1: a request larger than this that would go over UDP goes
   * over TCP instead (when a TCP transport is configured). Default 1300.
   */
  readonly udpMaxRequestSize?: number;
}

/** Who receives what the transport layer accepted (the transaction layer). */
export interface TransportLayerReceiver {
  receive(message: SipMessage, source: MessageSource): void;
}

/** Counters of what the transport layer refused or answered. */
export interface TransportLayerCounters {
  /** Messages that did not parse. */
  parseErrors: number;
  /** Of those, requests answered with a 400 (or the status the parser gave). */
  answered: number;
  /** Responses dropped because their top Via was not ours (§18.1.2). */
  foreignResponses: number;
  /** Responses that could not be routed or sent. */
  unroutable: number;
}

/** The §18 transport layer: implements what the transaction layer needs. */
export class TransportLayer implements TransactionTransport {
  readonly #transports: readonly Transport[];
  readonly #udpMax: number;
  #receiver: TransportLayerReceiver | undefined;
  readonly counters: TransportLayerCounters = { parseErrors: 0, answered: 0, foreignResponses: 0, unroutable: 0 };

  constructor(options: TransportLayerOptions) {
    this.#transports = options.transports;
    this.#udpMax = options.udpMaxRequestSize ?? 1300;
    for (const t of this.#transports) t.setReceiver((event) => this.#onEvent(t, event));
  }

  /** Sets who receives accepted messages. */
  setReceiver(receiver: TransportLayerReceiver): void {
    this.#receiver = receiver;
  }

  /** The transports, in the order given. */
  get transports(): readonly Transport[] {
    return this.#transports;
  }

  /** The first transport of `protocol`, or undefined. */
  transport(protocol: TransportProtocol): Transport | undefined {
    return this.#transports.find((t) => t.protocol === protocol);
  }

  /** Starts every transport. */
  async listen(): Promise<void> {
    for (const t of this.#transports) await t.listen();
  }

  /** Closes every transport. */
  async close(): Promise<void> {
    await Promise.all(this.#transports.map((t) => t.close()));
  }

  prepareRequest(request: SipRequest, destination: Destination): Destination {
    let protocol = destination.protocol;
    this.#stampVia(request, this.#require(protocol));
    if (protocol === 'UDP' && this.transport('TCP') !== undefined && serializeMessage(request).length > this.#udpMax) {
      // RFC 3261 §18.1.1: too large for UDP; use TCP and say so in the Via.
      protocol = 'TCP';
      this.#stampVia(request, this.#require(protocol));
    }
    return protocol === destination.protocol ? destination : { ...destination, protocol };
  }

  sendRequest(request: SipRequest, destination: Destination): Promise<void> {
    const transport = this.transport(destination.protocol);
    if (transport === undefined)
      return Promise.reject(new TransportError('TRANSPORT_ERR_NO_TRANSPORT', `no ${destination.protocol} transport`));
    return transport.send(serializeMessage(request), destination);
  }

  sendResponse(response: SipResponse, source: MessageSource): Promise<void> {
    const transport = this.transport(source.protocol);
    if (transport === undefined)
      return Promise.reject(new TransportError('TRANSPORT_ERR_NO_TRANSPORT', `no ${source.protocol} transport`));
    let destination: Destination;
    try {
      destination = responseDestination(response, source, transport);
    } catch (e) {
      this.counters.unroutable++;
      return Promise.reject(e);
    }
    return transport.send(serializeMessage(response), destination);
  }

  #require(protocol: TransportProtocol): Transport {
    const t = this.transport(protocol);
    if (t === undefined) throw new TransportError('TRANSPORT_ERR_NO_TRANSPORT', `no ${protocol} transport`);
    return t;
  }

  /** RFC 3261 §18.1.1: the top Via names the transport and our sent-by; other parameters stay. */
  #stampVia(request: SipRequest, transport: Transport): void {
    const vias = request.via;
    const top = vias[0];
    if (top === undefined) return;
    const host = transport.sentBy.host.includes(':') ? `[${transport.sentBy.host}]` : transport.sentBy.host;
    const stamped = serializeVia({
      protocol: top.protocol,
      transport: transport.protocol,
      host,
      port: transport.sentBy.port,
      params: top.params,
    });
    request.headers.set('Via', [stamped, ...vias.slice(1).map(serializeVia)].join(', '));
  }

  #onEvent(transport: Transport, event: TransportEvent): void {
    switch (event.kind) {
      case 'message': {
        const { message, source } = event;
        if (message.kind === 'request') {
          stampReceived(message, source);
        } else if (!this.#isOurs(message)) {
          // RFC 3261 §18.1.2: a response whose top Via is not ours is discarded.
          this.counters.foreignResponses++;
          return;
        }
        this.#receiver?.receive(message, source);
        return;
      }
      case 'parseError':
        this.counters.parseErrors++;
        this.#answerBadRequest(transport, event.error, event.source);
        return;
      case 'connection':
        return;
    }
  }

  #isOurs(response: SipResponse): boolean {
    const top = response.via[0];
    if (top === undefined) return false;
    const host = top.host.startsWith('[') ? top.host.slice(1, -1) : top.host;
    return this.#transports.some(
      (t) =>
        t.sentBy.host.toLowerCase() === host.toLowerCase() && (top.port ?? defaultPort(t.protocol)) === t.sentBy.port,
    );
  }

  /** RFC 3261 §8.2.6 / §21.4.1: answer what can be answered; never answer an ACK (§17.1.1.3). */
  #answerBadRequest(transport: Transport, error: SipParseError, source: MessageSource): void {
    const partial = error.request;
    if (partial === undefined || error.status === undefined || partial.method === 'ACK') return;
    const headers = partial.headers.filter(([name]) => /^(via|v|from|f|to|t|call-id|i|cseq)$/i.test(name));
    const reason =
      error.status === 400
        ? `Bad Request (${error.message.replace(/[\r\n]/g, ' ').slice(0, 100)})`
        : reasonFor(error.status);
    let response: SipResponse;
    try {
      response = new SipResponse({ status: error.status, reason, headers });
      if (response.via.length === 0) return;
    } catch {
      return;
    }
    this.counters.answered++;
    // Answer where the bytes came from: the Via may be what was malformed.
    const destination: Destination = {
      protocol: source.protocol,
      host: source.host,
      port: source.port,
      ...(source.connectionId === undefined ? {} : { connectionId: source.connectionId }),
    };
    transport.send(serializeMessage(response), destination).catch(() => {
      this.counters.unroutable++;
    });
  }
}

function reasonFor(status: number): string {
  switch (status) {
    case 505:
      return 'Version Not Supported';
    case 513:
      return 'Message Too Large';
    case 416:
      return 'Unsupported URI Scheme';
    default:
      return 'Bad Request';
  }
}

/**
 * RFC 3261 §18.2.1 and RFC 3581 §4: a request's top Via gets `received`
 * when its sent-by host is not the source address, and `rport` gets the
 * source port (with `received` always) when the client asked for it.
 */
export function stampReceived(request: SipRequest, source: MessageSource): void {
  const vias = request.via;
  const top = vias[0];
  if (top === undefined) return;
  const host = top.host.startsWith('[') ? top.host.slice(1, -1) : top.host;
  let params = top.params;
  if (top.rport === true) params = params.with('received', source.host).with('rport', String(source.port));
  else if (host !== source.host) params = params.with('received', source.host);
  else return;
  request.headers.set('Via', [serializeVia({ ...top, params }), ...vias.slice(1).map(serializeVia)].join(', '));
}

/**
 * Where a response goes (RFC 3261 §18.2.2, RFC 3581 §4): back over the
 * connection of the request when it is still open; else, on a reliable
 * transport, a new connection to `received` (or sent-by) and the sent-by
 * port; on UDP, to `maddr`, else to `received` and `rport` (or the sent-by
 * port), else to sent-by.
 */
export function responseDestination(response: SipResponse, source: MessageSource, transport: Transport): Destination {
  const top = response.via[0];
  if (top === undefined) throw new TransportError('TRANSPORT_ERR_UNROUTABLE', 'the response has no Via');
  const protocol = source.protocol;
  const sentByHost = top.host.startsWith('[') ? top.host.slice(1, -1) : top.host;
  const port = top.port ?? defaultPort(protocol);
  if (transport.reliable) {
    if (source.connectionId !== undefined && transport.hasConnection(source.connectionId)) {
      return { protocol, host: source.host, port: source.port, connectionId: source.connectionId };
    }
    return { protocol, host: top.received ?? sentByHost, port, serverName: sentByHost };
  }
  if (top.maddr !== undefined) return { protocol, host: top.maddr, port };
  if (top.received !== undefined)
    return { protocol, host: top.received, port: typeof top.rport === 'number' ? top.rport : port };
  return { protocol, host: sentByHost, port };
}

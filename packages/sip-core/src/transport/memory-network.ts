/**
 * An in-memory network for tests: datagrams between {@link MemoryTransport}s
 * on an injected clock, with loss, duplication, delay and reordering
 * injected on purpose and a seeded random source, so that every run of a
 * test sees the same packets.
 */
import type { Clock } from '../clock.js';
import { parseMessage } from '../parse-message.js';
import { TransportError } from './transport-error.js';
import type { Destination, HostPort, Transport, TransportProtocol, TransportReceiver } from './transport.js';

/** What the network does to each datagram. Rates are probabilities from 0 to 1. */
export interface NetworkConditions {
  /** Chance that a datagram is lost (unreliable transports only). */
  dropRate: number;
  /** Chance that a datagram is delivered twice (unreliable transports only). */
  duplicateRate: number;
  /** Fixed delay in ms. */
  delay: number;
  /** Extra random delay from 0 to `jitter` ms; with unreliable transports it reorders datagrams. */
  jitter: number;
  /** Drops the datagrams for which it returns true, before the random loss (any transport). */
  filter: ((packet: MemoryPacket) => boolean) | undefined;
}

/** One datagram on the network, as a filter sees it. */
export interface MemoryPacket {
  readonly from: HostPort;
  readonly to: HostPort;
  readonly protocol: TransportProtocol;
  /** The bytes as text (latin1), for filters that look at the start line. */
  readonly text: string;
}

/** A tiny seeded generator (mulberry32), enough for reproducible loss. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Options of {@link MemoryNetwork}. */
export interface MemoryNetworkOptions {
  readonly clock: Clock;
  readonly seed?: number;
  readonly conditions?: Partial<NetworkConditions>;
}

/** The in-memory network. */
export class MemoryNetwork {
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #endpoints = new Map<string, MemoryTransport>();
  /** What the network does; change it between steps of a test. */
  conditions: NetworkConditions;
  /** Counters of datagrams sent, delivered, dropped and duplicated. */
  readonly stats = { sent: 0, delivered: 0, dropped: 0, duplicated: 0 };

  constructor(options: MemoryNetworkOptions) {
    this.#clock = options.clock;
    this.#random = seeded(options.seed ?? 1);
    this.conditions = { dropRate: 0, duplicateRate: 0, delay: 0, jitter: 0, filter: undefined, ...options.conditions };
  }

  /** A transport bound to `host:port` on this network. `protocol` 'TCP' makes it reliable (no loss, duplication or reordering). */
  createTransport(options: { host: string; port: number; protocol?: 'UDP' | 'TCP' }): MemoryTransport {
    return new MemoryTransport(this, options.protocol ?? 'UDP', { host: options.host, port: options.port });
  }

  /** @internal */
  bind(transport: MemoryTransport): void {
    const key = keyOf(transport.protocol, transport.local);
    if (this.#endpoints.has(key)) throw new TransportError('TRANSPORT_ERR_SEND', `address in use: ${key}`);
    this.#endpoints.set(key, transport);
  }

  /** @internal */
  unbind(transport: MemoryTransport): void {
    this.#endpoints.delete(keyOf(transport.protocol, transport.local));
  }

  /** @internal */
  transmit(from: MemoryTransport, bytes: Uint8Array, to: HostPort): void {
    this.stats.sent++;
    const copy = Uint8Array.from(bytes);
    const c = this.conditions;
    const packet: MemoryPacket = {
      from: from.local,
      to,
      protocol: from.protocol,
      text: Buffer.from(copy).toString('latin1'),
    };
    if (c.filter?.(packet) === true) {
      this.stats.dropped++;
      return;
    }
    const reliable = from.reliable;
    if (!reliable && this.#random() < c.dropRate) {
      this.stats.dropped++;
      return;
    }
    const copies = !reliable && this.#random() < c.duplicateRate ? 2 : 1;
    if (copies === 2) this.stats.duplicated++;
    for (let i = 0; i < copies; i++) {
      // Reliable transports keep order: their jitter is not applied.
      const delay = c.delay + (reliable ? 0 : this.#random() * c.jitter);
      this.#clock.setTimer(delay, () => {
        const target = this.#endpoints.get(keyOf(from.protocol, to));
        if (target === undefined) return;
        this.stats.delivered++;
        target.deliver(copy, from.local);
      });
    }
  }
}

function keyOf(protocol: TransportProtocol, hp: HostPort): string {
  return `${protocol}/${hp.host}:${hp.port}`;
}

/** A transport on a {@link MemoryNetwork}. */
export class MemoryTransport implements Transport {
  readonly protocol: TransportProtocol;
  readonly reliable: boolean;
  readonly local: HostPort;
  readonly sentBy: HostPort;
  readonly #network: MemoryNetwork;
  #receiver: TransportReceiver | undefined;
  #listening = false;

  constructor(network: MemoryNetwork, protocol: 'UDP' | 'TCP', local: HostPort) {
    this.#network = network;
    this.protocol = protocol;
    this.reliable = protocol !== 'UDP';
    this.local = local;
    this.sentBy = local;
  }

  setReceiver(receiver: TransportReceiver): void {
    this.#receiver = receiver;
  }

  listen(): Promise<void> {
    if (!this.#listening) this.#network.bind(this);
    this.#listening = true;
    return Promise.resolve();
  }

  send(bytes: Uint8Array, destination: Destination): Promise<void> {
    if (!this.#listening) return Promise.reject(new TransportError('TRANSPORT_ERR_NOT_LISTENING'));
    this.#network.transmit(this, bytes, { host: destination.host, port: destination.port });
    return Promise.resolve();
  }

  hasConnection(connectionId: string): boolean {
    return this.reliable && connectionId.startsWith('mem:');
  }

  close(): Promise<void> {
    if (this.#listening) this.#network.unbind(this);
    this.#listening = false;
    return Promise.resolve();
  }

  /** @internal */
  deliver(bytes: Uint8Array, from: HostPort): void {
    const source = {
      protocol: this.protocol,
      host: from.host,
      port: from.port,
      local: this.local,
      ...(this.reliable ? { connectionId: `mem:${from.host}:${from.port}` } : {}),
    };
    const parsed = parseMessage(bytes);
    if (parsed.ok) this.#receiver?.({ kind: 'message', message: parsed.message, source });
    else this.#receiver?.({ kind: 'parseError', error: parsed.error, source, fatal: false });
  }
}

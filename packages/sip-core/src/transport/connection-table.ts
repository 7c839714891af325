/**
 * The open connections of a stream transport (TCP, TLS, WebSocket), found by
 * id and by remote address, closed when idle (RFC 3261 §18.3 leaves the
 * policy to the implementation; RFC 5923 §5 aliases let a peer's sent-by
 * name the connection it opened).
 */
import type { Clock, ClockTimer } from '../clock.js';
import type { ConnectionCloseReason, HostPort, TlsPeerIdentity } from './transport.js';

/** One open connection, whatever carries it. */
export interface Connection {
  readonly id: string;
  readonly remote: HostPort;
  readonly local: HostPort;
  /** True for connections this side opened. */
  readonly outbound: boolean;
  readonly tlsPeer: TlsPeerIdentity | undefined;
  write(bytes: Uint8Array): Promise<void>;
  /** Closes the connection, saying why (default `local`); the table forgets it when it reports closed. */
  close(reason?: ConnectionCloseReason): void;
}

/** Limits of one stream transport. */
export interface ConnectionLimits {
  /** Most connections open at once, inbound and outbound. Default 10,000. */
  readonly maxConnections: number;
  /** A connection with no traffic for this long is closed (ms). Default 300,000; 0 never. */
  readonly idleTimeout: number;
  /**
   * How long a message may take to arrive (ms), so that a peer cannot hold a
   * connection with nothing, or with half a message: an accepted connection
   * is closed unless a complete message or keep-alive arrives within this of
   * its opening (for TLS, of its handshake's end), and any connection is
   * closed when a message whose first bytes arrived is not complete this
   * long after them, however slowly the rest trickles in (Kamailio bounds
   * the same two waits with `tcp_msg_data_timeout` and
   * `tcp_msg_read_timeout`). TCP and TLS; a WebSocket frames its own
   * messages. Default 20,000; 0 never.
   */
  readonly messageTimeout: number;
}

/** The defaults of {@link ConnectionLimits}. */
export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = Object.freeze({
  maxConnections: 10_000,
  idleTimeout: 300_000,
  messageTimeout: 20_000,
});

interface Entry {
  readonly connection: Connection;
  readonly keys: Set<string>;
  lastActivity: number;
  timer: ClockTimer | undefined;
}

/** Connections by id and by address key. */
export class ConnectionTable {
  readonly #clock: Clock;
  readonly #limits: ConnectionLimits;
  readonly #byId = new Map<string, Entry>();
  readonly #byKey = new Map<string, Entry>();

  constructor(clock: Clock, limits: ConnectionLimits) {
    this.#clock = clock;
    this.#limits = limits;
  }

  get size(): number {
    return this.#byId.size;
  }

  get full(): boolean {
    return this.#byId.size >= this.#limits.maxConnections;
  }

  /** Adds a connection reachable under `keys` (e.g. `host:port`). */
  add(connection: Connection, keys: readonly string[]): void {
    const entry: Entry = { connection, keys: new Set(keys), lastActivity: this.#clock.now(), timer: undefined };
    this.#byId.set(connection.id, entry);
    for (const k of keys) this.#byKey.set(k, entry);
    this.#arm(entry, this.#limits.idleTimeout);
  }

  /** Lets `key` find the connection too (an RFC 5923 alias). */
  alias(id: string, key: string): void {
    const entry = this.#byId.get(id);
    if (entry === undefined) return;
    entry.keys.add(key);
    this.#byKey.set(key, entry);
  }

  get(id: string): Connection | undefined {
    return this.#byId.get(id)?.connection;
  }

  find(key: string): Connection | undefined {
    return this.#byKey.get(key)?.connection;
  }

  /** Notes traffic on a connection (postpones its idle close). */
  touch(id: string): void {
    const entry = this.#byId.get(id);
    if (entry !== undefined) entry.lastActivity = this.#clock.now();
  }

  /** Forgets a connection (it closed). */
  remove(id: string): void {
    const entry = this.#byId.get(id);
    if (entry === undefined) return;
    entry.timer?.cancel();
    this.#byId.delete(id);
    for (const k of entry.keys) if (this.#byKey.get(k) === entry) this.#byKey.delete(k);
  }

  /** Closes every connection. */
  closeAll(): void {
    for (const entry of [...this.#byId.values()]) {
      entry.timer?.cancel();
      entry.connection.close('local');
    }
    this.#byId.clear();
    this.#byKey.clear();
  }

  #arm(entry: Entry, delay: number): void {
    if (this.#limits.idleTimeout <= 0) return;
    entry.timer = this.#clock.setTimer(delay, () => {
      const idle = this.#clock.now() - entry.lastActivity;
      if (idle >= this.#limits.idleTimeout) {
        entry.connection.close('idle-timeout');
        this.remove(entry.connection.id);
      } else {
        this.#arm(entry, this.#limits.idleTimeout - idle);
      }
    });
  }
}

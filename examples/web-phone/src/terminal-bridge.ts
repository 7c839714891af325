/**
 * One page's WebSocket bridged to one `WebTerminalService` stream of the
 * core. The page's JSON messages go to the stream once checked; the
 * stream's messages go to the page as JSON; the bridge tells the page when
 * the stream is attached, dropped or refused. A dropped stream is reopened
 * with the same terminal identity (`wg2-terminal-id`), so the core holds the
 * page's established call for its grace period and offers it back.
 */
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { MSISDN_METADATA, TERMINAL_ID_METADATA, type WebTerminalMessage } from '@sipbreakout/web-terminal';
import type { WebSocket } from 'ws';
import type { CoreClient, TerminalStream } from './core-client.js';
import { readPageMessage, toPageMessage } from './page-message.js';
import type { BridgeEvent, BridgeToPage, CandidatePolicy } from './page-protocol.js';

/** What a bridge logs (a pino logger fits). */
export interface BridgeLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/** Options of {@link TerminalBridge}. */
export interface TerminalBridgeOptions {
  /** The page's WebSocket, open. */
  readonly socket: WebSocket;
  readonly core: CoreClient;
  /** The bearer token, read anew for each attach (a restarted core may have minted a new one). */
  readonly token: () => Promise<string>;
  /** The number for `wg2-msisdn` (a client token must name it; a user token may leave it out). */
  readonly number: string | undefined;
  readonly method: 'Pipe' | 'MultiPipe';
  /** The terminal identity sent as `wg2-terminal-id`, the same on every reattach. */
  readonly terminalId: string;
  readonly candidates: CandidatePolicy;
  readonly logger: BridgeLogger;
  /** The first delay before reattaching (default 250 ms), doubled up to `maxRetryMs`. */
  readonly firstRetryMs?: number | undefined;
  /** The longest delay between attempts (default 4 s). */
  readonly maxRetryMs?: number | undefined;
}

/** Statuses after which attaching again cannot help: the core said no to this terminal. */
const FINAL_STATUSES: ReadonlySet<number> = new Set([
  status.UNAUTHENTICATED,
  status.PERMISSION_DENIED,
  status.INVALID_ARGUMENT,
  status.UNIMPLEMENTED,
  status.RESOURCE_EXHAUSTED,
  // Another attach of the same identity took the terminal over (another tab with this id).
  status.ABORTED,
]);

/** How long a MultiPipe that sends nothing on open must stay up before it counts as attached. */
const QUIET_ATTACH_MS = 500;

/** A page bridged to the core; ends when the page's WebSocket closes. */
export class TerminalBridge {
  readonly #options: TerminalBridgeOptions;
  #stream: TerminalStream | undefined;
  #attached = false;
  #everAttached = false;
  #closed = false;
  #retryMs: number;
  #timer: NodeJS.Timeout | undefined;
  /** The number the core reported the terminal on (`wg2-msisdn`, or the token's for a user token). */
  readonly #numberShown: string;

  constructor(options: TerminalBridgeOptions) {
    this.#options = options;
    this.#retryMs = options.firstRetryMs ?? 250;
    this.#numberShown = options.number ?? '(the token’s number)';
    const socket = options.socket;
    socket.on('message', (data, isBinary) => this.#fromPage(data, isBinary));
    socket.on('close', () => this.close());
    socket.on('error', (error) => options.logger.warn({ err: error.message }, 'page WebSocket error'));
    void this.#attach();
  }

  /** Whether the stream is attached now. */
  get attached(): boolean {
    return this.#attached;
  }

  /** Ends the bridge: the stream is half-closed (the core holds an established call for its grace period). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    const stream = this.#stream;
    this.#stream = undefined;
    stream?.end();
    if (this.#options.socket.readyState === this.#options.socket.OPEN) this.#options.socket.close(1000);
  }

  #send(message: BridgeToPage): void {
    const socket = this.#options.socket;
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  }

  #event(event: BridgeEvent): void {
    this.#send({ bridge: event });
  }

  #fromPage(data: unknown, isBinary: boolean): void {
    if (isBinary) return this.#event({ event: 'rejected', reason: 'binary messages are not read: send JSON text' });
    const text = Buffer.isBuffer(data) ? data : Buffer.concat(Array.isArray(data) ? data : []);
    const reading = readPageMessage(text);
    if (!reading.ok) {
      this.#options.logger.info({ reason: reading.reason }, 'page message rejected');
      return this.#event({ event: 'rejected', reason: reading.reason });
    }
    const stream = this.#stream;
    if (stream === undefined || !this.#attached)
      return this.#event({ event: 'rejected', reason: 'not attached to the core (reattaching): send it again later' });
    stream.write(reading.message);
  }

  #markAttached(): void {
    if (this.#attached || this.#closed) return;
    this.#attached = true;
    const reattached = this.#everAttached;
    this.#everAttached = true;
    this.#retryMs = this.#options.firstRetryMs ?? 250;
    this.#options.logger.info(
      { terminalId: this.#options.terminalId, number: this.#numberShown, reattached },
      'terminal attached',
    );
    this.#event({
      event: 'attached',
      number: this.#numberShown,
      method: this.#options.method,
      terminalId: this.#options.terminalId,
      reattached,
      candidates: this.#options.candidates,
    });
  }

  async #attach(): Promise<void> {
    if (this.#closed) return;
    let stream: TerminalStream;
    try {
      const metadata = new Metadata();
      metadata.set('authorization', `Bearer ${await this.#options.token()}`);
      if (this.#options.number !== undefined) metadata.set(MSISDN_METADATA, this.#options.number);
      metadata.set(TERMINAL_ID_METADATA, this.#options.terminalId);
      stream = await this.#options.core.open(this.#options.method, metadata);
    } catch (error) {
      return this.#dropped((error as Error).message);
    }
    if (this.#closed) {
      stream.cancel();
      return;
    }
    this.#stream = stream;
    let ended = false;
    const quiet = setTimeout(() => this.#markAttached(), QUIET_ATTACH_MS);
    const end = (code: number, details: string): void => {
      if (ended) return;
      ended = true;
      clearTimeout(quiet);
      if (this.#stream === stream) this.#stream = undefined;
      this.#attached = false;
      if (this.#closed) return;
      const reason = `${status[code] ?? code}${details === '' ? '' : `: ${details}`}`;
      if (FINAL_STATUSES.has(code)) {
        this.#options.logger.warn({ reason }, 'the core refused the terminal');
        this.#event({ event: 'refused', reason });
        this.close();
        return;
      }
      this.#dropped(reason);
    };
    stream.on('metadata', () => this.#markAttached());
    stream.on('data', (message: WebTerminalMessage) => {
      this.#markAttached();
      const forPage = toPageMessage(message);
      if (forPage !== undefined) this.#send(forPage);
    });
    stream.on('error', (error: ServiceError) => end(error.code, error.details));
    stream.on('status', (s: { code: number; details: string }) => end(s.code, s.details));
  }

  #dropped(reason: string): void {
    if (this.#closed) return;
    const retryInMs = this.#retryMs;
    this.#retryMs = Math.min(this.#retryMs * 2, this.#options.maxRetryMs ?? 4000);
    this.#options.logger.warn({ reason, retryInMs }, 'terminal stream dropped');
    this.#event({ event: 'detached', reason, retryInMs });
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#attach(), retryInMs);
  }
}

/**
 * A client of rtpengine's "ng" control protocol over UDP. Each request is
 * one datagram: a cookie, one space, and a bencoded dictionary holding at
 * least `command`; the reply carries the same cookie and a dictionary whose
 * `result` is `ok` (`pong` for `ping`), or `error` with an `error-reason`.
 * A request without a reply is sent again with the same cookie, which
 * rtpengine recognises as a retransmission and answers from its cache, so an
 * `offer` is never performed twice; after the last attempt the request
 * fails with `MEDIA_RELAY_ERR_TIMEOUT`.
 */
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { SystemClock, type Clock, type ClockTimer } from '@sipbreakout/sip-core/clock';
import { MediaRelayError } from './media-relay-error.js';
import { parseNgValue, serializeNgValue, type NgReplyValue, type NgValue } from './ng-bencode.js';

/** Where rtpengine listens for ng commands (its `--listen-ng`). */
export interface NgAddress {
  /** An IPv4 or IPv6 address. */
  readonly host: string;
  readonly port: number;
}

/** Options of {@link NgClient.open}. */
export interface NgClientOptions {
  readonly address: NgAddress;
  /** How long one attempt waits for its reply, ms. Default 500. */
  readonly timeoutMs?: number;
  /** How many times one request is sent before it fails (the first send included). Default 3. */
  readonly attempts?: number;
  readonly clock?: Clock;
}

/** The keys of a request dictionary; keys whose value is undefined are left out. */
export type NgDictionary = { readonly [key: string]: NgValue | undefined };

/** A successful reply: its `result`, `warning` when rtpengine gave one, and the whole dictionary. */
export interface NgReply {
  readonly result: string;
  readonly warning: string | undefined;
  readonly dictionary: ReadonlyMap<string, NgReplyValue>;
}

/** The rewritten SDP of an `offer` or `answer`. */
export interface NgSdpReply {
  readonly sdp: Uint8Array;
  readonly warning: string | undefined;
}

/** What identifies one side of a media session in rtpengine: the call, and the tag of the side that sent the SDP. */
export interface NgSdpRequest {
  readonly callId: string;
  readonly fromTag: string;
  readonly sdp: Uint8Array | string;
  /** Further keys (`ICE`, `transport-protocol`, `flags`…). */
  readonly options?: NgDictionary;
  readonly signal?: AbortSignal;
}

/** The defaults of {@link NgClientOptions}. */
export const NG_DEFAULTS = { timeoutMs: 500, attempts: 3 } as const;

/** The largest UDP payload over IPv4 (65,535 − 8 − 20). */
const MAX_DATAGRAM = 65_507;
const SPACE = 0x20;
/** rtpengine's cookies are short; a reply whose first space is further than this is not one. */
const MAX_COOKIE = 64;

interface Pending {
  readonly datagram: Uint8Array;
  readonly resolve: (reply: NgReply) => void;
  readonly reject: (error: MediaRelayError) => void;
  attemptsLeft: number;
  timer: ClockTimer | undefined;
  readonly onAbort: (() => void) | undefined;
  readonly signal: AbortSignal | undefined;
}

/** An ng client on its own UDP socket; {@link NgClient.close} releases it. */
export class NgClient {
  readonly #socket: Socket;
  readonly #address: NgAddress;
  readonly #timeoutMs: number;
  readonly #attempts: number;
  readonly #clock: Clock;
  readonly #pending = new Map<string, Pending>();
  readonly #cookiePrefix = randomBytes(6).toString('hex');
  #sequence = 0;
  #closed = false;

  private constructor(socket: Socket, options: NgClientOptions) {
    this.#socket = socket;
    this.#address = options.address;
    this.#timeoutMs = options.timeoutMs ?? NG_DEFAULTS.timeoutMs;
    this.#attempts = Math.max(1, options.attempts ?? NG_DEFAULTS.attempts);
    this.#clock = options.clock ?? new SystemClock();
    socket.on('message', (data) => this.#onMessage(data));
    socket.on('error', (error) =>
      this.#failAll(new MediaRelayError('MEDIA_RELAY_ERR_SOCKET', error.message, { cause: error })),
    );
  }

  /** Opens a client: a UDP socket on an ephemeral port of the address's family. */
  static async open(options: NgClientOptions): Promise<NgClient> {
    const family = isIP(options.address.host);
    if (family === 0)
      throw new MediaRelayError(
        'MEDIA_RELAY_ERR_SOCKET',
        `rtpengine's ng address must be an IP address, not ${options.address.host}`,
      );
    const socket = createSocket(family === 6 ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, family === 6 ? '::' : '0.0.0.0', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    // The socket keeps the process alive only while a request waits for its reply.
    socket.unref();
    return new NgClient(socket, options);
  }

  /** `host:port` of rtpengine, for logs. */
  get address(): string {
    const { host, port } = this.#address;
    return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  }

  /** Requests waiting for their reply. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /**
   * Sends one command and resolves with its reply. Rejects with
   * `MEDIA_RELAY_ERR_REFUSED` (result `error`, the reason in `reason`),
   * `MEDIA_RELAY_ERR_TIMEOUT`, `MEDIA_RELAY_ERR_BAD_REPLY`,
   * `MEDIA_RELAY_ERR_REQUEST_TOO_LARGE`, `MEDIA_RELAY_ERR_CLOSED`,
   * `MEDIA_RELAY_ERR_SOCKET` or `MEDIA_RELAY_ERR_ABORTED`.
   */
  request(
    dictionary: NgDictionary & { readonly command: string },
    options: { readonly signal?: AbortSignal | undefined } = {},
  ): Promise<NgReply> {
    if (this.#closed) return Promise.reject(new MediaRelayError('MEDIA_RELAY_ERR_CLOSED'));
    const signal = options.signal;
    if (signal?.aborted === true) return Promise.reject(new MediaRelayError('MEDIA_RELAY_ERR_ABORTED'));
    const cookie = `${this.#cookiePrefix}_${++this.#sequence}`;
    let body: Uint8Array;
    try {
      body = serializeNgValue(dictionary);
    } catch (error) {
      return Promise.reject(error);
    }
    const head = Buffer.from(`${cookie} `, 'ascii');
    if (head.length + body.length > MAX_DATAGRAM) {
      return Promise.reject(
        new MediaRelayError(
          'MEDIA_RELAY_ERR_REQUEST_TOO_LARGE',
          `${dictionary.command} of ${head.length + body.length} bytes`,
        ),
      );
    }
    const datagram = Buffer.concat([head, body]);
    return new Promise<NgReply>((resolve, reject) => {
      const onAbort =
        signal === undefined
          ? undefined
          : (): void => this.#settle(cookie, new MediaRelayError('MEDIA_RELAY_ERR_ABORTED'));
      const pending: Pending = {
        datagram,
        resolve,
        reject,
        attemptsLeft: this.#attempts,
        timer: undefined,
        onAbort,
        signal,
      };
      if (this.#pending.size === 0) this.#socket.ref();
      this.#pending.set(cookie, pending);
      if (onAbort !== undefined) signal?.addEventListener('abort', onAbort, { once: true });
      this.#send(cookie, pending);
    });
  }

  /** `ping`: resolves when rtpengine answers `pong`. */
  async ping(options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    const reply = await this.request({ command: 'ping' }, options);
    if (reply.result !== 'pong')
      throw new MediaRelayError('MEDIA_RELAY_ERR_BAD_REPLY', `ping answered "${reply.result}", not "pong"`);
  }

  /** `offer`: the SDP of the side `fromTag` rewritten for the other side. */
  async offer(request: NgSdpRequest): Promise<NgSdpReply> {
    return sdpOf(
      await this.request(
        {
          ...request.options,
          command: 'offer',
          'call-id': request.callId,
          'from-tag': request.fromTag,
          sdp: request.sdp,
        },
        { signal: request.signal },
      ),
    );
  }

  /** `answer`: the SDP answered by the side `toTag`, rewritten for the offerer `fromTag`. */
  async answer(request: NgSdpRequest & { readonly toTag: string }): Promise<NgSdpReply> {
    return sdpOf(
      await this.request(
        {
          ...request.options,
          command: 'answer',
          'call-id': request.callId,
          'from-tag': request.fromTag,
          'to-tag': request.toTag,
          sdp: request.sdp,
        },
        { signal: request.signal },
      ),
    );
  }

  /** `delete`: ends the media session of `callId` (rtpengine replies `ok` with a warning for a call it does not know). */
  delete(request: {
    readonly callId: string;
    readonly fromTag: string;
    readonly toTag?: string;
    readonly options?: NgDictionary;
    readonly signal?: AbortSignal;
  }): Promise<NgReply> {
    return this.request(
      {
        ...request.options,
        command: 'delete',
        'call-id': request.callId,
        'from-tag': request.fromTag,
        'to-tag': request.toTag,
      },
      { signal: request.signal },
    );
  }

  /** Fails every pending request with `MEDIA_RELAY_ERR_CLOSED` and closes the socket. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#failAll(new MediaRelayError('MEDIA_RELAY_ERR_CLOSED'));
    await new Promise<void>((resolve) => this.#socket.close(() => resolve()));
  }

  #send(cookie: string, pending: Pending): void {
    pending.attemptsLeft--;
    this.#socket.send(pending.datagram, this.#address.port, this.#address.host, (error) => {
      if (error !== null && error !== undefined)
        this.#settle(cookie, new MediaRelayError('MEDIA_RELAY_ERR_SOCKET', error.message, { cause: error }));
    });
    pending.timer = this.#clock.setTimer(this.#timeoutMs, () => {
      pending.timer = undefined;
      if (this.#pending.get(cookie) !== pending) return;
      if (pending.attemptsLeft > 0) this.#send(cookie, pending);
      else
        this.#settle(
          cookie,
          new MediaRelayError(
            'MEDIA_RELAY_ERR_TIMEOUT',
            `no reply from rtpengine at ${this.address} after ${this.#attempts} attempts of ${this.#timeoutMs} ms`,
          ),
        );
    });
  }

  #onMessage(data: Buffer): void {
    const space = data.subarray(0, MAX_COOKIE + 1).indexOf(SPACE);
    // Not "cookie dictionary": nothing says which request it answers, so it is dropped.
    if (space <= 0) return;
    const cookie = data.subarray(0, space).toString('latin1');
    if (!this.#pending.has(cookie)) return; // a late reply to a request already settled, or a duplicate
    const parsed = parseNgValue(data.subarray(space + 1));
    if (!parsed.ok)
      return this.#settle(
        cookie,
        new MediaRelayError('MEDIA_RELAY_ERR_BAD_REPLY', `reply not bencoded: ${parsed.error.message}`, {
          cause: parsed.error,
        }),
      );
    const dictionary = parsed.value;
    if (!(dictionary instanceof Map))
      return this.#settle(cookie, new MediaRelayError('MEDIA_RELAY_ERR_BAD_REPLY', 'reply is not a dictionary'));
    const result = dictionary.get('result');
    if (typeof result !== 'string')
      return this.#settle(cookie, new MediaRelayError('MEDIA_RELAY_ERR_BAD_REPLY', 'reply without a text "result"'));
    if (result === 'ok' || result === 'pong') {
      const warning = dictionary.get('warning');
      return this.#settle(cookie, { result, warning: typeof warning === 'string' ? warning : undefined, dictionary });
    }
    if (result === 'error' || result === 'load limit') {
      const reason = dictionary.get('error-reason') ?? dictionary.get('message');
      const text = typeof reason === 'string' ? reason : result;
      return this.#settle(
        cookie,
        new MediaRelayError('MEDIA_RELAY_ERR_REFUSED', `rtpengine refused: ${text}`, { reason: text }),
      );
    }
    this.#settle(cookie, new MediaRelayError('MEDIA_RELAY_ERR_BAD_REPLY', `unknown result "${result}"`));
  }

  #settle(cookie: string, outcome: NgReply | MediaRelayError): void {
    const pending = this.#pending.get(cookie);
    if (pending === undefined) return;
    this.#pending.delete(cookie);
    if (this.#pending.size === 0 && !this.#closed) this.#socket.unref();
    pending.timer?.cancel();
    if (pending.onAbort !== undefined) pending.signal?.removeEventListener('abort', pending.onAbort);
    if (outcome instanceof MediaRelayError) pending.reject(outcome);
    else pending.resolve(outcome);
  }

  #failAll(error: MediaRelayError): void {
    for (const cookie of [...this.#pending.keys()]) this.#settle(cookie, error);
  }
}

function sdpOf(reply: NgReply): NgSdpReply {
  const sdp = reply.dictionary.get('sdp');
  if (typeof sdp === 'string') return { sdp: new TextEncoder().encode(sdp), warning: reply.warning };
  if (sdp instanceof Uint8Array) return { sdp, warning: reply.warning };
  throw new MediaRelayError('MEDIA_RELAY_ERR_BAD_REPLY', 'reply without an "sdp"');
}

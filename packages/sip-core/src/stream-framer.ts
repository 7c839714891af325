/**
 * Framing of SIP messages on a stream transport (TCP, TLS, WebSocket
 * carried as a byte stream): RFC 3261 §18.3 and the keep-alives of RFC 5626
 * §4.4.1.
 *
 * A datagram (UDP, or a WebSocket message, which RFC 7118 makes hold
 * exactly one SIP message) needs no framer: it goes to {@link parseMessage}
 * directly, with the default `framing: 'datagram'`. There, octets after the
 * body that Content-Length announces are dropped (RFC 3261 §18.3; RFC 4475
 * §3.1.1.8 `dblreq`), and a missing Content-Length means the body runs to the end of
 * the datagram. On a stream neither holds: the bytes after a message are the
 * next message, and without Content-Length no one can tell where a message
 * ends. That is what this framer is for.
 */
import type { SipErrorCode, SipParseError } from './errors.js';
import { resolveLimits, type ParseLimits } from './limits.js';
import type { SipMessage } from './message.js';
import { parseMessage } from './parse-message.js';
import { readContentLength } from './read-content-length.js';

/** What {@link StreamFramer.push} found in the stream, in stream order. */
export type FramerEvent =
  | {
      readonly kind: 'message';
      readonly message: SipMessage;
      /** The message's bytes, start line to end of body: a copy owned by the message (its body is a view of it). */
      readonly bytes: Uint8Array;
    }
  /** RFC 5626 §4.4.1: a double CRLF between messages. Answer it with a single CRLF (a pong). */
  | { readonly kind: 'ping' }
  /** RFC 5626 §4.4.1: a single CRLF between messages; RFC 3261 §7.5 lets a server ignore it. */
  | { readonly kind: 'pong' }
  | {
      readonly kind: 'error';
      /** What went wrong; `offset` counts from the first byte of the message in question. */
      readonly error: SipParseError;
      /**
       * True when the stream cannot be read further (the framing is lost or a
       * limit was passed): answer the request if `error.status` says how,
       * then close the connection. After a fatal error the framer reports
       * nothing more. False when one whole message, whose end was known, was
       * malformed: answer or drop it; the stream goes on.
       */
      readonly fatal: boolean;
    };

/** Options of {@link StreamFramer}. */
export interface StreamFramerOptions {
  /**
   * Limits on size and counts; any not given take the defaults. A message
   * larger than `maxMessageSize`, start line to end of body, is a fatal
   * error, and the framer never holds more than `maxMessageSize` bytes.
   */
  readonly limits?: Partial<ParseLimits>;
  /**
   * Which end of RFC 5626 keep-alives this is, which decides how a lone CRLF
   * at the end of the bytes received so far is read.
   *
   * `'server'` (the default, the end that receives pings): the CRLF may be
   * the first half of a ping, so it is held until the next bytes tell. The
   * events then never depend on how the stream was cut into chunks.
   *
   * `'client'` (the end that sends pings and waits for pongs): the CRLF is
   * reported as a pong at once, because the client must not wait for more
   * data to see its pong. A ping split between its two CRLFs (which a
   * server should not send anyway) is then seen as two pongs.
   */
  readonly keepAliveRole?: 'server' | 'client';
}

const CR = 13;
const LF = 10;
const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');
const EMPTY = Buffer.alloc(0);
/** The framer's own buffer starts this small and is let go when it empties past it, so idle connections hold nothing. */
const INITIAL_CAPACITY = 2048;

/**
 * Cuts a byte stream into SIP messages by Content-Length (RFC 3261 §18.3),
 * reporting RFC 5626 keep-alives between them.
 *
 * Feed it every chunk the transport delivers, in order; each call returns
 * what those bytes completed. Messages may be split across chunks or
 * pipelined in one: the events are the same however the stream is cut
 * (see {@link StreamFramerOptions.keepAliveRole} for the one exception a
 * client may choose).
 *
 * Memory: `push` never keeps the caller's chunk after it returns, so a
 * transport may reuse its read buffer. Complete messages are copied out of
 * the chunk (one copy per message, owned by the message); the bytes of an
 * incomplete message are copied into the framer's own buffer, which never
 * grows past `limits.maxMessageSize`. Zero-copy views of the chunk were
 * rejected: a message kept by a transaction would see its body change when
 * the transport reused the buffer.
 */
export class StreamFramer {
  readonly #limits: ParseLimits;
  readonly #eagerPong: boolean;
  /** Bytes received but not yet framed: `#buf[0, #length)`. */
  #buf: Buffer = EMPTY;
  #length = 0;
  /** True once the first byte of the pending item is known to start a message (not a keep-alive). */
  #inMessage = false;
  /** How many bytes of the pending message were searched for the end of the head without finding it. */
  #scanned = 0;
  /** The pending message's whole length once its head was read, else -1. */
  #total = -1;
  #failed = false;
  #ended = false;

  constructor(options?: StreamFramerOptions) {
    this.#limits = resolveLimits(options?.limits);
    this.#eagerPong = options?.keepAliveRole === 'client';
  }

  /** How many bytes the framer holds for a message not yet complete. */
  get buffered(): number {
    return this.#length;
  }

  /** True after a fatal error: the stream cannot be read further and `push` returns nothing. */
  get failed(): boolean {
    return this.#failed;
  }

  /** Takes the next bytes of the stream; returns the messages, keep-alives and errors they complete, in order. */
  push(chunk: Uint8Array): FramerEvent[] {
    const events: FramerEvent[] = [];
    if (this.#failed || this.#ended) return events;
    const input = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let pos = 0;
    while (pos < input.length && !this.#failed) {
      if (this.#length === 0) {
        // Nothing pending: frame straight from the chunk, and copy only the incomplete tail.
        const rest = pos === 0 ? input : input.subarray(pos);
        const used = this.#drain(rest, events);
        if (!this.#failed) this.#append(rest.subarray(used));
        break;
      }
      // Something pending: add no more of the chunk than the pending item can still need.
      const take = Math.min(input.length - pos, this.#room());
      this.#append(input.subarray(pos, pos + take));
      pos += take;
      const used = this.#drain(this.#buf.subarray(0, this.#length), events);
      this.#consume(used);
      if (this.#failed) break;
      if (this.#length <= take) {
        // What is left came from this chunk alone: give it back and frame the rest of the chunk in place.
        pos -= this.#length;
        this.#clear();
      }
    }
    if (this.#failed) this.#clear();
    return events;
  }

  /**
   * Says the stream has ended (the connection closed). A message left
   * incomplete is reported as a fatal error (`SIP_ERR_NO_HEADER_END` or
   * `SIP_ERR_BODY_TRUNCATED`); a lone CRLF left is reported as a pong. The
   * framer takes nothing more afterwards.
   */
  end(): FramerEvent[] {
    const events: FramerEvent[] = [];
    if (this.#failed || this.#ended) return events;
    this.#ended = true;
    const pending = this.#buf.subarray(0, this.#length);
    if (this.#inMessage) {
      const headComplete = this.#total >= 0;
      events.push({
        kind: 'error',
        fatal: true,
        error: {
          code: headComplete ? 'SIP_ERR_BODY_TRUNCATED' : 'SIP_ERR_NO_HEADER_END',
          message: headComplete
            ? `the stream ended ${this.#total - this.#length} bytes before the end of the body`
            : 'the stream ended before the empty line that ends the header section',
          offset: this.#length,
        },
      });
    } else if (pending.length >= 2 && pending[0] === CR && pending[1] === LF) {
      events.push({ kind: 'pong' });
    }
    this.#clear();
    return events;
  }

  /** How many more bytes the pending item can use: the rest of its message, or of the largest head, or of a keep-alive. */
  #room(): number {
    if (!this.#inMessage) return Math.max(1, 4 - this.#length);
    if (this.#total >= 0) return this.#total - this.#length;
    return Math.max(1, this.#limits.maxMessageSize - this.#length);
  }

  /**
   * Frames what it can of `view`, which starts at the pending item, pushing
   * events; returns how many bytes were consumed. Sets `#failed` on a fatal
   * error. The state it keeps between calls counts from the pending item's
   * first byte, so it holds whether `view` is the framer's buffer or a chunk.
   */
  #drain(view: Buffer, events: FramerEvent[]): number {
    const max = this.#limits.maxMessageSize;
    let at = 0;
    for (;;) {
      const n = view.length - at;
      if (n === 0) return at;
      if (!this.#inMessage) {
        // Between messages: RFC 5626 §4.4.1 keep-alives.
        if (view[at] === CR) {
          if (n < 2) return at;
          if (view[at + 1] === LF) {
            if (n < 3) {
              if (!this.#eagerPong) return at;
              events.push({ kind: 'pong' });
              at += 2;
              continue;
            }
            if (view[at + 2] === CR) {
              if (n < 4) return at;
              if (view[at + 3] === LF) {
                events.push({ kind: 'ping' });
                at += 4;
                continue;
              }
            }
            events.push({ kind: 'pong' });
            at += 2;
            continue;
          }
        }
        this.#inMessage = true;
        this.#scanned = 0;
        this.#total = -1;
      }
      if (this.#total < 0) {
        // RFC 3261 §7: the head ends at the first empty line; a message within the limit has it within `max` bytes.
        const window = Math.min(n, max);
        const from = at + Math.max(0, this.#scanned - 3);
        const found = view.subarray(0, at + window).indexOf(CRLFCRLF, from);
        if (found < 0) {
          if (n >= max) {
            this.#fatal(
              events,
              'SIP_ERR_MESSAGE_TOO_LARGE',
              `no empty line ends the header section within ${max} bytes, the message size limit`,
              max,
              view.subarray(at, at + window),
              513,
            );
            return at;
          }
          this.#scanned = n;
          return at;
        }
        const headLength = found + 4 - at;
        const head = view.subarray(at, at + headLength);
        const length = readContentLength(head);
        if (typeof length !== 'number') {
          this.#fatal(events, length.code, length.message, length.offset, head, 400);
          return at;
        }
        if (headLength + length > max) {
          this.#fatal(
            events,
            'SIP_ERR_MESSAGE_TOO_LARGE',
            `the message is ${headLength + length} bytes, over the limit of ${max}`,
            max,
            head,
            513,
          );
          return at;
        }
        this.#total = headLength + length;
      }
      if (n < this.#total) return at;
      const bytes = new Uint8Array(this.#total);
      bytes.set(view.subarray(at, at + this.#total));
      const result = parseMessage(bytes, { framing: 'stream', limits: this.#limits });
      // The framing was known, so a malformed message costs only itself.
      events.push(
        result.ok
          ? { kind: 'message', message: result.message, bytes }
          : { kind: 'error', error: result.error, fatal: false },
      );
      at += this.#total;
      this.#inMessage = false;
      this.#scanned = 0;
      this.#total = -1;
    }
  }

  /**
   * Reports a fatal framing error. When what was read of the message is a
   * request, the error carries the status to answer with and the headers to
   * build that answer from (RFC 3261 §8.2.6.2), borrowed from parsing the head.
   */
  #fatal(
    events: FramerEvent[],
    code: SipErrorCode,
    message: string,
    offset: number,
    head: Buffer,
    status: number,
  ): void {
    const error: { -readonly [K in keyof SipParseError]: SipParseError[K] } = { code, message, offset };
    const probe = parseMessage(head, {
      framing: 'stream',
      limits: { ...this.#limits, maxMessageSize: Number.MAX_SAFE_INTEGER },
    });
    if (!probe.ok && probe.error.request !== undefined) {
      error.status = status;
      error.request = probe.error.request;
    } else if (code === 'SIP_ERR_MESSAGE_TOO_LARGE' && !startsLikeResponse(head)) {
      // As parseMessage does: what does not start like a status line may be a request, owed a 513 (RFC 3261 §21.5.14).
      error.status = status;
    }
    events.push({ kind: 'error', error, fatal: true });
    this.#failed = true;
  }

  #append(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const needed = this.#length + bytes.length;
    if (needed > this.#buf.length) {
      let capacity = Math.max(INITIAL_CAPACITY, this.#buf.length * 2);
      while (capacity < needed) capacity *= 2;
      // Never more than the largest item can need; the caller has made sure `needed` fits in that.
      capacity = Math.max(needed, Math.min(capacity, this.#limits.maxMessageSize + 4));
      const grown = Buffer.allocUnsafeSlow(capacity);
      this.#buf.copy(grown, 0, 0, this.#length);
      this.#buf = grown;
    }
    this.#buf.set(bytes, this.#length);
    this.#length = needed;
  }

  #consume(count: number): void {
    if (count === 0) return;
    if (count >= this.#length) {
      this.#clear();
      return;
    }
    this.#buf.copy(this.#buf, 0, count, this.#length);
    this.#length -= count;
  }

  /** Drops the pending bytes, and the buffer itself when it grew past its first size. */
  #clear(): void {
    this.#length = 0;
    this.#inMessage = false;
    this.#scanned = 0;
    this.#total = -1;
    if (this.#buf.length > INITIAL_CAPACITY) this.#buf = EMPTY;
  }
}

/** True when `bytes` starts with `SIP/`, in any case: a status line, not a request line. */
function startsLikeResponse(bytes: Buffer): boolean {
  return (
    bytes.length >= 4 &&
    (bytes[0]! | 32) === 115 &&
    (bytes[1]! | 32) === 105 &&
    (bytes[2]! | 32) === 112 &&
    bytes[3] === 47
  );
}

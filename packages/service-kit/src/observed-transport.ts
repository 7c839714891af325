/**
 * A {@link Transport} seen by the operations shell: every message received
 * and sent is counted and (at debug level) logged with its Call-ID and
 * Session-ID, bad input is counted by error code, connections are counted
 * (open, opened, closed by reason, refused), and outbound TLS failures are
 * counted by cause. It changes nothing on the way through.
 */
import type { Logger } from 'pino';
import type { Counter, Gauge } from 'prom-client';
import {
  isTlsError,
  type ConnectionCloseReason,
  type ConnectionRefusalReason,
  type Destination,
  type HostPort,
  type SipMessage,
  type Transport,
  type TransportEvent,
  type TransportReceiver,
} from '@sipbreakout/sip-core';

/**
 * The metrics an {@link ObservedTransport} feeds. The program names and
 * registers them (its prefix, its help texts); `face` is the program's name
 * for the side of the network a transport serves (`mobile`, `tas`).
 */
export interface TransportMetrics {
  /** Counts one SIP message sent (`sent`) or received; `status` is empty for a request. */
  countMessage(sent: boolean, face: string, transport: string, method: string, status: string): void;
  /** Input that did not parse, by `SIP_ERR_…` code. */
  readonly parseErrors: Pick<Counter<'face' | 'transport' | 'code'>, 'inc'>;
  /** Stream connections open now. */
  readonly connectionsOpen: Pick<Gauge<'face' | 'transport'>, 'set' | 'inc' | 'dec'>;
  /** Stream connections opened (accepted or dialled). */
  readonly connectionsOpened: Pick<Counter<'face' | 'transport'>, 'inc'>;
  /** Stream connections closed, by reason ({@link reasonLabel}). */
  readonly connectionsClosed: Pick<Counter<'face' | 'transport' | 'reason'>, 'inc'>;
  /** Inbound connections refused as they were accepted, by reason. */
  readonly connectionsRefused: Pick<Counter<'face' | 'transport' | 'reason'>, 'inc'>;
  /** TLS failures, by direction and cause (`TLS_ERR_…` or an OpenSSL code). */
  readonly tlsFailures: Pick<Counter<'face' | 'direction' | 'cause'>, 'inc'>;
}

/** Methods counted by name; any other is counted as `other`, so a flood of invented methods cannot grow the label set. */
const KNOWN_METHODS = new Set([
  'INVITE',
  'ACK',
  'BYE',
  'CANCEL',
  'OPTIONS',
  'REGISTER',
  'PRACK',
  'SUBSCRIBE',
  'NOTIFY',
  'PUBLISH',
  'INFO',
  'REFER',
  'MESSAGE',
  'UPDATE',
]);

/** The method label of a method name. */
export function methodLabel(method: string): string {
  return KNOWN_METHODS.has(method) ? method : 'other';
}

/** A sip-core close or refusal reason as a Prometheus label value (`message-timeout` → `message_timeout`). */
export function reasonLabel(reason: ConnectionCloseReason | ConnectionRefusalReason): string {
  return reason.replace(/-/g, '_');
}

/** The Session-ID UUID of a message (RFC 7989), or undefined when absent or malformed (a log field must never throw). */
export function sessionIdOf(message: SipMessage): string | undefined {
  try {
    return message.sessionId?.local;
  } catch {
    return undefined;
  }
}

/** What the start line and a few headers of serialized bytes say, read without a full parse. */
export interface SentSummary {
  readonly method: string;
  readonly status: string;
  readonly callId: string | undefined;
  readonly sessionId: string | undefined;
}

/** Reads the method (CSeq method for a response), status, Call-ID and Session-ID of bytes we serialized. */
export function summarizeSent(bytes: Uint8Array): SentSummary {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 4096)).toString('latin1');
  const end = head.indexOf('\r\n\r\n');
  const text = end === -1 ? head : head.slice(0, end);
  const header = (pattern: RegExp): string | undefined => pattern.exec(text)?.[1]?.trim();
  const callId = header(/\r\n(?:Call-ID|i)[ \t]*:[ \t]*([^\r\n]*)/i);
  const sessionId = header(/\r\nSession-ID[ \t]*:[ \t]*([0-9a-fA-F]{32})/i);
  if (text.startsWith('SIP/2.0 ')) {
    return {
      method: methodLabel(header(/\r\nCSeq[ \t]*:[ \t]*\d+[ \t]+([A-Za-z]+)/i) ?? 'other'),
      status: text.slice(8, 11),
      callId,
      sessionId,
    };
  }
  return { method: methodLabel(text.slice(0, Math.max(0, text.indexOf(' ')))), status: '', callId, sessionId };
}

/** The method label and status of bytes we serialized, from the start line (and CSeq for a response) only: what the counters need. */
export function startLineOfSent(bytes: Uint8Array): { readonly method: string; readonly status: string } {
  // "SIP/2.0 " as bytes: a response.
  if (bytes[0] === 0x53 && bytes[1] === 0x49 && bytes[2] === 0x50 && bytes[3] === 0x2f) {
    const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 4096)).toString('latin1');
    const cseq = /\r\nCSeq[ \t]*:[ \t]*\d+[ \t]+([A-Za-z]+)/i.exec(head)?.[1];
    return { method: methodLabel(cseq ?? 'other'), status: head.slice(8, 11) };
  }
  let space = 0;
  while (space < bytes.length && space < 32 && bytes[space] !== 0x20) space++;
  return { method: methodLabel(Buffer.from(bytes.buffer, bytes.byteOffset, space).toString('latin1')), status: '' };
}

/** Wraps a transport of one face with counters and debug logs. */
export class ObservedTransport implements Transport {
  readonly #inner: Transport;
  readonly #face: string;
  readonly #metrics: TransportMetrics;
  readonly #log: Logger;

  constructor(inner: Transport, face: string, metrics: TransportMetrics, log: Logger) {
    this.#inner = inner;
    this.#face = face;
    this.#metrics = metrics;
    this.#log = log;
    if (inner.reliable) metrics.connectionsOpen.set({ face, transport: inner.protocol }, 0);
  }

  get protocol(): Transport['protocol'] {
    return this.#inner.protocol;
  }

  get reliable(): boolean {
    return this.#inner.reliable;
  }

  get local(): HostPort {
    return this.#inner.local;
  }

  get sentBy(): HostPort {
    return this.#inner.sentBy;
  }

  setReceiver(receiver: TransportReceiver): void {
    this.#inner.setReceiver((event) => {
      this.#observe(event);
      receiver(event);
    });
  }

  listen(): Promise<void> {
    return this.#inner.listen();
  }

  send(bytes: Uint8Array, destination: Destination): Promise<void> {
    // The debug lines read Call-ID and Session-ID too; without them the start line is enough (this runs for every message).
    const debug = this.#log.isLevelEnabled('debug');
    const summary: SentSummary = debug
      ? summarizeSent(bytes)
      : { ...startLineOfSent(bytes), callId: undefined, sessionId: undefined };
    return this.#inner.send(bytes, destination).then(
      () => {
        this.#metrics.countMessage(true, this.#face, destination.protocol, summary.method, summary.status);
        if (debug)
          this.#log.debug(
            {
              callId: summary.callId,
              sessionId: summary.sessionId,
              method: summary.method,
              status: summary.status || undefined,
              to: `${destination.host}:${destination.port}`,
              transport: destination.protocol,
            },
            'sip message sent',
          );
      },
      (error: unknown) => {
        if (isTlsError(error))
          this.#metrics.tlsFailures.inc({ face: this.#face, direction: 'outbound', cause: error.code });
        if (debug)
          this.#log.debug(
            {
              callId: summary.callId,
              sessionId: summary.sessionId,
              method: summary.method,
              status: summary.status || undefined,
              to: `${destination.host}:${destination.port}`,
              err: error,
            },
            'sip send failed',
          );
        throw error;
      },
    );
  }

  hasConnection(connectionId: string): boolean {
    return this.#inner.hasConnection(connectionId);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  #observe(event: TransportEvent): void {
    const transport = this.#inner.protocol;
    switch (event.kind) {
      case 'message': {
        const m = event.message;
        const method = methodLabel(m.kind === 'request' ? m.method : m.cseq.method);
        const status = m.kind === 'response' ? String(m.status) : '';
        this.#metrics.countMessage(false, this.#face, transport, method, status);
        if (this.#log.isLevelEnabled('debug')) {
          this.#log.debug(
            {
              callId: m.callId,
              sessionId: sessionIdOf(m),
              method,
              status: status || undefined,
              from: `${event.source.host}:${event.source.port}`,
              transport,
            },
            'sip message received',
          );
        }
        return;
      }
      case 'parseError':
        this.#metrics.parseErrors.inc({ face: this.#face, transport, code: event.error.code });
        this.#log.debug(
          {
            code: event.error.code,
            offset: event.error.offset,
            from: `${event.source.host}:${event.source.port}`,
            transport,
            fatal: event.fatal,
          },
          'sip input refused',
        );
        return;
      case 'connection':
        switch (event.state) {
          case 'open':
            this.#metrics.connectionsOpen.inc({ face: this.#face, transport });
            this.#metrics.connectionsOpened.inc({ face: this.#face, transport });
            return;
          case 'closed':
            this.#metrics.connectionsOpen.dec({ face: this.#face, transport });
            this.#metrics.connectionsClosed.inc({ face: this.#face, transport, reason: reasonLabel(event.reason) });
            return;
          case 'refused':
            this.#metrics.connectionsRefused.inc({ face: this.#face, transport, reason: reasonLabel(event.reason) });
            this.#log.info(
              { face: this.#face, transport, from: `${event.source.host}:${event.source.port}`, reason: event.reason },
              'sip connection refused',
            );
            return;
        }
    }
  }
}

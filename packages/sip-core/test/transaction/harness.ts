/**
 * A recording fake transport and a recording transaction user around a
 * TransactionLayer on a ManualClock: what the transaction tests drive.
 */
import { ManualClock } from '../../src/clock.js';
import { parseMessage, type SipMessage, SipRequest, SipResponse } from '../../src/index.js';
import type {
  ClientTransactionEvent,
  ServerTransaction,
  ServerTransactionEvent,
  TransactionUser,
} from '../../src/transaction/transaction-handles.js';
import { TransactionLayer } from '../../src/transaction/transaction-layer.js';
import type { TransactionTransport } from '../../src/transport/transaction-transport.js';
import type { TimerValues } from '../../src/transaction/timers.js';
import type { Destination, MessageSource } from '../../src/transport/transport.js';

export interface Sent {
  readonly at: number;
  readonly message: SipMessage;
}

/** Records every message the transaction layer sends; can be told to fail. */
export class RecordingTransport implements TransactionTransport {
  readonly sent: Sent[] = [];
  fail = false;
  constructor(readonly clock: ManualClock) {}
  prepareRequest(_request: SipRequest, destination: Destination): Destination {
    return destination;
  }
  sendRequest(request: SipRequest): Promise<void> {
    return this.#record(request);
  }
  sendResponse(response: SipResponse): Promise<void> {
    return this.#record(response);
  }
  #record(message: SipMessage): Promise<void> {
    if (this.fail) return Promise.reject(new Error('network unreachable'));
    this.sent.push({ at: this.clock.now(), message });
    return Promise.resolve();
  }
  /** Times at which a message with this start (method or status) was sent. */
  times(what: string | number): number[] {
    return this.sent
      .filter((s) => (s.message.kind === 'request' ? s.message.method === what : s.message.status === what))
      .map((s) => s.at);
  }
}

export class RecordingUser implements TransactionUser {
  readonly requests: Array<{ request: SipRequest; transaction: ServerTransaction }> = [];
  readonly acks: SipRequest[] = [];
  readonly stray: SipResponse[] = [];
  readonly serverEvents: ServerTransactionEvent[] = [];
  autoRespond: ((request: SipRequest, tx: ServerTransaction) => void) | undefined;
  onRequest(request: SipRequest, transaction: ServerTransaction): void {
    this.requests.push({ request, transaction });
    transaction.onEvent((e) => this.serverEvents.push(e));
    this.autoRespond?.(request, transaction);
  }
  onAck(ack: SipRequest): void {
    this.acks.push(ack);
  }
  onStrayResponse(response: SipResponse): void {
    this.stray.push(response);
  }
}

export function setup(protocol: 'UDP' | 'TCP' = 'UDP', timers?: Partial<TimerValues>) {
  const clock = new ManualClock();
  const transport = new RecordingTransport(clock);
  const user = new RecordingUser();
  const layer = new TransactionLayer({ clock, transport, user, ...(timers === undefined ? {} : { timers }) });
  const events: ClientTransactionEvent[] = [];
  const destination: Destination = { protocol, host: '127.0.0.1', port: 5070 };
  const source: MessageSource = { protocol, host: '127.0.0.1', port: 5080, local: { host: '127.0.0.1', port: 5060 } };
  return {
    clock,
    transport,
    user,
    layer,
    events,
    destination,
    source,
    onEvent: (e: ClientTransactionEvent) => events.push(e),
  };
}

export function parse(text: string): SipMessage {
  const r = parseMessage(text.replace(/\n/g, '\r\n'));
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.message;
}

export function request(
  method: string,
  options: { branch?: string; cseq?: number; via?: string; toTag?: string; uri?: string } = {},
): SipRequest {
  const via = options.via ?? `SIP/2.0/UDP 127.0.0.1:5080;branch=${options.branch ?? 'z9hG4bK-test-1'}`;
  const m = parse(
    `${method} ${options.uri ?? 'sip:bob@127.0.0.1:5060'} SIP/2.0
Via: ${via}
Max-Forwards: 70
From: <sip:alice@127.0.0.1>;tag=from-1
To: <sip:bob@127.0.0.1>${options.toTag === undefined ? '' : ';tag=' + options.toTag}
Call-ID: call-1@127.0.0.1
CSeq: ${options.cseq ?? 1} ${method}
Content-Length: 0

`,
  );
  if (m.kind !== 'request') throw new Error('not a request');
  return m;
}

/** A response to `req` with the same Via, From, To (tag added above 100), Call-ID, CSeq. */
export function responseTo(req: SipRequest, status: number, toTag = 'to-1'): SipResponse {
  const headers: Array<[string, string]> = [];
  for (const v of req.headers.getAll('Via')) headers.push(['Via', v]);
  headers.push(['From', req.headers.get('From') ?? '']);
  headers.push([
    'To',
    (req.headers.get('To') ?? '') + (status > 100 && req.to.tag === undefined ? `;tag=${toTag}` : ''),
  ]);
  headers.push(['Call-ID', req.callId], ['CSeq', req.headers.get('CSeq') ?? '']);
  const r = parseMessage(serialize(new SipResponse({ status, reason: 'R', headers })));
  if (!r.ok || r.message.kind !== 'response') throw new Error('not a response');
  return r.message;
}

import { serializeMessage as serialize } from '../../src/index.js';

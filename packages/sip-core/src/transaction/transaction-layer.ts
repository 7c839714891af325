/**
 * The driver of the transaction state machines (RFC 3261 §17): matches
 * incoming messages to transactions (§17.1.3, §17.2.3), performs the
 * actions the pure machines return on an injected {@link Clock} and
 * transport, and hands the rest to the transaction user.
 */
import type { Clock, ClockTimer } from '../clock.js';
import { SipRequest, type SipResponse } from '../message.js';
import type { Destination, MessageSource } from '../transport/transport.js';
import { isReliableProtocol } from '../transport/transport.js';
import type { TransactionTransport } from '../transport/transaction-transport.js';
import { BRANCH_MAGIC_COOKIE } from '../via.js';
import type { Step, TransactionAction } from './actions.js';
import { type InviteClientEvent, startInviteClient, stepInviteClient } from './invite-client-transaction.js';
import { type InviteServerEvent, startInviteServer, stepInviteServer } from './invite-server-transaction.js';
import {
  type NonInviteClientEvent,
  startNonInviteClient,
  stepNonInviteClient,
} from './non-invite-client-transaction.js';
import {
  type NonInviteServerEvent,
  startNonInviteServer,
  stepNonInviteServer,
} from './non-invite-server-transaction.js';
import { type TimerName, type TimerValues, resolveTimerValues } from './timers.js';
import type {
  ClientTransaction,
  ClientTransactionEvent,
  ServerTransaction,
  ServerTransactionEvent,
  TransactionUser,
} from './transaction-handles.js';
import { ownString } from '../own-string.js';
import { identityText, readIdentity } from '../sealed-message.js';
import { type AnyState, compact, isLingering } from './lingering-state.js';
import { DeadlineQueue } from './deadline-queue.js';
import { TransactionError } from './transaction-error.js';
import { clientKeyOf, serverKeyOf } from './transaction-key.js';
import { createBranch, createResponse } from './transaction-messages.js';

/** Limits of the transaction layer. */
export interface TransactionLimits {
  /** Most transactions open at once, client and server together. Default 100,000. */
  readonly maxTransactions: number;
}

/** Options of {@link TransactionLayer}. */
export interface TransactionLayerOptions {
  readonly clock: Clock;
  readonly transport: TransactionTransport;
  readonly user: TransactionUser;
  /** T1, T2, T4 for this stack instance (RFC 3261 Table 4). */
  readonly timers?: Partial<TimerValues>;
  readonly limits?: Partial<TransactionLimits>;
}

/** Options of {@link TransactionLayer.sendRequest}. */
export interface SendRequestOptions {
  readonly destination: Destination;
  readonly onEvent: (event: ClientTransactionEvent) => void;
}

type AnyEvent = InviteClientEvent | NonInviteClientEvent | InviteServerEvent | NonInviteServerEvent;

function stepAny(state: AnyState, event: AnyEvent, now: number): Step<AnyState> {
  switch (state.kind) {
    case 'InviteClient':
      return event.kind === 'respond' || event.kind === 'request'
        ? { state, actions: [] }
        : stepInviteClient(state, event, now);
    case 'NonInviteClient':
      return event.kind === 'respond' || event.kind === 'request'
        ? { state, actions: [] }
        : stepNonInviteClient(state, event, now);
    case 'InviteServer':
      return event.kind === 'response' ? { state, actions: [] } : stepInviteServer(state, event, now);
    case 'NonInviteServer':
      return event.kind === 'response' ? { state, actions: [] } : stepNonInviteServer(state, event, now);
  }
}

/** One running transaction: its state, its timers, and where its messages go. */
class Running implements ClientTransaction, ServerTransaction {
  current: AnyState;
  /** The armed timers by name (a plain object: lighter than a Map for the one to three a transaction has). */
  readonly timerHandles: { [name in TimerName]?: ClockTimer | undefined } = {};
  clientListener: ((event: ClientTransactionEvent) => void) | undefined;
  serverListener: ((event: ServerTransactionEvent) => void) | undefined;

  constructor(
    readonly layer: TransactionLayer,
    readonly key: string,
    state: AnyState,
    readonly destination: Destination,
    readonly source: MessageSource,
    readonly cancels: ServerTransaction | undefined,
  ) {
    this.current = state;
  }

  /**
   * Once it lingers, the identity of its request (see sealed-message.ts):
   * the state then holds a placeholder, and {@link Running.request} reads
   * the identity back.
   */
  identity: string | undefined = undefined;

  get request(): SipRequest {
    return this.identity === undefined ? this.current.request : readIdentity(this.identity);
  }

  get branch(): string {
    return this.request.via[0]?.branch ?? '';
  }

  get state(): string {
    return this.current.name;
  }

  /** The last response a server transaction sent. */
  get lastResponse(): SipResponse | undefined {
    return this.current.kind === 'InviteServer' || this.current.kind === 'NonInviteServer'
      ? this.current.lastResponse
      : undefined;
  }

  respond(response: SipResponse): void {
    if (this.current.kind !== 'InviteServer' && this.current.kind !== 'NonInviteServer')
      throw new TransactionError('TX_ERR_INVALID_STATE', 'a client transaction cannot respond');
    this.layer.dispatch(this, { kind: 'respond', response });
  }

  onEvent(listener: ((event: ServerTransactionEvent) => void) | ((event: ClientTransactionEvent) => void)): void {
    if (this.current.kind === 'InviteClient' || this.current.kind === 'NonInviteClient')
      this.clientListener = listener as (event: ClientTransactionEvent) => void;
    else this.serverListener = listener as (event: ServerTransactionEvent) => void;
  }
}

/**
 * The transaction layer of one stack instance. Feed it what the transport
 * layer receives ({@link TransactionLayer.receive}); start client
 * transactions with {@link TransactionLayer.sendRequest}.
 */
export class TransactionLayer {
  readonly #clock: Clock;
  readonly #transport: TransactionTransport;
  readonly #user: TransactionUser;
  readonly #timers: TimerValues;
  readonly #limits: TransactionLimits;
  readonly #client = new Map<string, Running>();
  readonly #server = new Map<string, Running>();

  constructor(options: TransactionLayerOptions) {
    this.#clock = options.clock;
    this.#transport = options.transport;
    this.#user = options.user;
    this.#timers = resolveTimerValues(options.timers);
    this.#limits = { maxTransactions: 100_000, ...options.limits };
  }

  /** The timer values of this instance. */
  get timers(): TimerValues {
    return this.#timers;
  }

  /** How many client and server transactions are open. */
  get size(): { readonly client: number; readonly server: number } {
    return { client: this.#client.size, server: this.#server.size };
  }

  /** How many open transactions are in each state, by kind (`InviteServer/Accepted` → 3). */
  stateCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const map of [this.#client, this.#server]) {
      for (const r of map.values()) {
        const key = `${r.current.kind}/${r.current.name}`;
        out[key] = (out[key] ?? 0) + 1;
      }
    }
    return out;
  }

  /**
   * Starts a client transaction for `request` (RFC 3261 §17.1). A request
   * without a Via gets one; a top Via without a branch gets a new one with
   * the magic cookie. Throws `TX_ERR_LIMIT` or `TX_ERR_DUPLICATE`; an ACK is
   * refused with `TX_ERR_INVALID_STATE` (send it with {@link TransactionLayer.sendStateless}).
   */
  sendRequest(request: SipRequest, options: SendRequestOptions): ClientTransaction {
    if (request.method === 'ACK')
      throw new TransactionError('TX_ERR_INVALID_STATE', 'an ACK is not sent in a client transaction');
    if (this.#client.size + this.#server.size >= this.#limits.maxTransactions)
      throw new TransactionError('TX_ERR_LIMIT');
    ensureBranch(request, options.destination);
    const destination = this.#transport.prepareRequest(request, options.destination);
    const key = clientKeyOf(request);
    if (key === undefined) throw new TransactionError('TX_ERR_NO_BRANCH');
    if (this.#client.has(key)) throw new TransactionError('TX_ERR_DUPLICATE');
    const reliable = isReliableProtocol(destination.protocol);
    const now = this.#clock.now();
    const started: Step<AnyState> =
      request.method === 'INVITE'
        ? startInviteClient(request, reliable, this.#timers, now)
        : startNonInviteClient(request, reliable, this.#timers, now);
    // The key is cut from the message: a copy of its own keeps it from pinning the message for 64·T1.
    const running = new Running(this, ownString(key), started.state, destination, NO_SOURCE, undefined);
    running.clientListener = options.onEvent;
    this.#client.set(running.key, running);
    this.#perform(running, started.actions);
    return running;
  }

  /**
   * Sends a request outside any transaction: the ACK of a 2xx (RFC 3261
   * §13.2.2.4), or a stateless forward. Stamps the Via like
   * {@link TransactionLayer.sendRequest}.
   */
  sendStateless(request: SipRequest, destination: Destination): Promise<void> {
    ensureBranch(request, destination);
    const final = this.#transport.prepareRequest(request, destination);
    return this.#transport.sendRequest(request, final);
  }

  /** Sends a response outside any transaction (a 2xx retransmission after Timer L, a stateless answer). */
  sendStatelessResponse(response: SipResponse, source: MessageSource): Promise<void> {
    return this.#transport.sendResponse(response, source);
  }

  /** Hands a message received by the transport layer to its transaction, or to the user. */
  receive(message: SipRequest | SipResponse, source: MessageSource): void {
    if (message.kind === 'response') {
      const key = clientKeyOf(message);
      const running = key === undefined ? undefined : this.#client.get(key);
      if (running !== undefined) this.dispatch(running, { kind: 'response', response: message });
      else this.#user.onStrayResponse?.(message, source);
      return;
    }
    const key = serverKeyOf(message);
    if (key === undefined) return;
    const running = this.#server.get(key);
    if (message.method === 'ACK') {
      if (running !== undefined && running.current.kind === 'InviteServer' && ackMatches(message, running)) {
        this.dispatch(running, { kind: 'request', request: message });
      } else {
        this.#user.onAck(message, source);
      }
      return;
    }
    if (running !== undefined) {
      // §17.2.3: a retransmission goes to its transaction.
      this.dispatch(running, { kind: 'request', request: message });
      return;
    }
    if (this.#client.size + this.#server.size >= this.#limits.maxTransactions) {
      // Over the limit: answer 503 statelessly (RFC 3261 §21.5.4) instead of keeping state.
      void this.#transport.sendResponse(createResponse(message, 503), source).catch(() => undefined);
      return;
    }
    const reliable = isReliableProtocol(source.protocol);
    const now = this.#clock.now();
    const started: Step<AnyState> =
      message.method === 'INVITE'
        ? startInviteServer(message, reliable, this.#timers, now)
        : startNonInviteServer(message, reliable, this.#timers);
    let cancels: ServerTransaction | undefined;
    if (message.method === 'CANCEL') {
      const inviteKey = serverKeyOf(message, 'INVITE');
      cancels = inviteKey === undefined ? undefined : this.#server.get(inviteKey);
    }
    const created = new Running(this, ownString(key), started.state, NO_DESTINATION, source, cancels);
    this.#server.set(created.key, created);
    this.#perform(created, started.actions);
    this.#user.onRequest(message, created);
  }

  /** Stops every timer and forgets every transaction (shutdown). */
  close(): void {
    for (const map of [this.#client, this.#server]) for (const r of map.values()) cancelAll(r);
    for (const queue of this.#lingerQueues.values()) queue.clear();
    this.#client.clear();
    this.#server.clear();
  }

  /** @internal Runs one event through a transaction's machine and performs the actions. */
  dispatch(running: Running, event: AnyEvent): void {
    if (running.current.name === 'Terminated') {
      if (event.kind === 'respond') throw new TransactionError('TX_ERR_INVALID_STATE', 'the transaction is terminated');
      return;
    }
    const before = running.current.name;
    const next = stepAny(running.current, event, this.#clock.now());
    if (next.state.name !== before && isLingering(next.state)) {
      running.identity ??= identityText(next.state.request);
      running.current = compact(next.state);
    } else {
      running.current = next.state;
    }
    this.#perform(running, next.actions);
  }

  #perform(running: Running, actions: readonly TransactionAction[]): void {
    for (const action of actions) {
      switch (action.kind) {
        case 'send':
          this.#send(running, action.message);
          break;
        case 'startTimer':
          this.#arm(running, action.timer, action.at);
          break;
        case 'cancelTimer':
          running.timerHandles[action.timer]?.cancel();
          running.timerHandles[action.timer] = undefined;
          break;
        case 'deliverResponse':
          running.clientListener?.({ kind: 'response', response: action.response });
          break;
        case 'deliverRequest':
          this.#user.onAck(action.request, running.source);
          break;
        case 'fail': {
          const kind = action.error.code === 'TX_ERR_TIMEOUT' ? 'timeout' : 'transportError';
          running.clientListener?.({ kind, error: action.error });
          running.serverListener?.({ kind, error: action.error });
          break;
        }
        case 'terminated':
          cancelAll(running);
          (running.clientListener !== undefined ? this.#client : this.#server).delete(running.key);
          running.clientListener?.({ kind: 'terminated' });
          running.serverListener?.({ kind: 'terminated' });
          break;
      }
    }
  }

  /**
   * Arranges the `timer` event at `at`. A real clock may wake a fraction of a
   * millisecond early (Node's timers run on the loop's cached time); the
   * machine ignores an early event, so the timer is armed again for the rest.
   */
  #arm(running: Running, timer: TimerName, at: number): void {
    running.timerHandles[timer]?.cancel();
    const delay = at - this.#clock.now();
    if (LINGER_TIMERS.has(timer) && delay >= QUEUED_DELAY_MIN) {
      // The waits that end a transaction share one queue per delay (see DeadlineQueue).
      running.timerHandles[timer] = this.#lingerQueue(delay).add(at, { running, timer });
      return;
    }
    running.timerHandles[timer] = this.#clock.setTimer(delay, () => this.#timerFired(running, timer));
  }

  #timerFired(running: Running, timer: TimerName): void {
    running.timerHandles[timer] = undefined;
    const deadline = running.current.deadlines[timer];
    if (deadline !== undefined && this.#clock.now() < deadline) {
      this.#arm(running, timer, deadline);
      return;
    }
    this.dispatch(running, { kind: 'timer', timer });
  }

  readonly #lingerQueues = new Map<number, DeadlineQueue<{ readonly running: Running; readonly timer: TimerName }>>();

  #lingerQueue(delay: number): DeadlineQueue<{ readonly running: Running; readonly timer: TimerName }> {
    // Keyed by the delay in whole milliseconds: deadlines within one queue then never decrease.
    const key = Math.round(delay);
    let queue = this.#lingerQueues.get(key);
    if (queue === undefined) {
      queue = new DeadlineQueue(this.#clock, (queued) => {
        const { running, timer } = queued.subject;
        // Only the timer still armed under that name counts (a re-armed one replaced it).
        if (running.timerHandles[timer] === queued) this.#timerFired(running, timer);
      });
      this.#lingerQueues.set(key, queue);
    }
    return queue;
  }

  #send(running: Running, message: SipRequest | SipResponse): void {
    const sending =
      message.kind === 'request'
        ? this.#transport.sendRequest(message, running.destination)
        : this.#transport.sendResponse(message, running.source);
    sending.catch((cause: unknown) => this.dispatch(running, { kind: 'transportError', cause }));
  }
}

/** The timers that end a transaction's last wait (RFC 3261 §17, RFC 6026): they go through a {@link DeadlineQueue}. */
const LINGER_TIMERS: ReadonlySet<TimerName> = new Set<TimerName>(['D', 'I', 'J', 'K', 'L', 'M']);

/** Shorter waits (0 on reliable transports) keep a clock timer of their own. */
const QUEUED_DELAY_MIN = 1000;

/** Cancels every armed timer of a transaction. */
function cancelAll(running: Running): void {
  const handles = running.timerHandles;
  for (const name in handles) {
    handles[name as TimerName]?.cancel();
    handles[name as TimerName] = undefined;
  }
}

const NO_SOURCE: MessageSource = { protocol: 'UDP', host: '', port: 0, local: { host: '', port: 0 } };
const NO_DESTINATION: Destination = { protocol: 'UDP', host: '', port: 0 };

/** Gives the request a Via with a branch when it has none (RFC 3261 §8.1.1.7). */
function ensureBranch(request: SipRequest, destination: Destination): void {
  const top = request.via[0];
  if (top === undefined) {
    request.headers.prepend('Via', `SIP/2.0/${destination.protocol} 0.0.0.0;branch=${createBranch()};rport`);
  } else if (top.branch === undefined || (request.method !== 'ACK' && !top.branch.startsWith(BRANCH_MAGIC_COOKIE))) {
    const values = request.headers.getAll('Via');
    const first = values[0] ?? '';
    const comma = first.indexOf(',');
    const head = comma < 0 ? first : first.slice(0, comma);
    const rest = comma < 0 ? '' : first.slice(comma);
    const fixed =
      top.branch === undefined
        ? `${head};branch=${createBranch()}${rest}`
        : head.replace(/;\s*branch=[^;,]*/i, `;branch=${createBranch()}`) + rest;
    request.headers.set('Via', [fixed, ...values.slice(1)].join(', '));
  }
}

/** RFC 2543 ACKs must also carry the To tag of the response they acknowledge (§17.2.3). */
function ackMatches(ack: SipRequest, running: Running): boolean {
  if (ack.via[0]?.branch?.startsWith(BRANCH_MAGIC_COOKIE) === true) return true;
  const last = running.lastResponse;
  return last === undefined || last.to.tag === ack.to.tag;
}

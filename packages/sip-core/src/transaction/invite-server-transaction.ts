/**
 * The INVITE server transaction of RFC 3261 §17.2.1, with the Accepted
 * state of RFC 6026 §7.1, as a pure state machine.
 */
import type { SipRequest, SipResponse } from '../message.js';
import type { CommonEvent, Step, TransactionAction } from './actions.js';
import { type Deadlines, type TimerValues, isDue, withTimer, withoutTimers } from './timers.js';
import { TransactionError } from './transaction-error.js';
import { createResponse } from './transaction-messages.js';

/** States of the INVITE server transaction (RFC 3261 Figure 7, RFC 6026 Figure 5). */
export type InviteServerStateName = 'Proceeding' | 'Completed' | 'Confirmed' | 'Accepted' | 'Terminated';

/** The whole state of one INVITE server transaction. */
export interface InviteServerState {
  readonly kind: 'InviteServer';
  readonly name: InviteServerStateName;
  readonly request: SipRequest;
  readonly reliable: boolean;
  readonly timers: TimerValues;
  /** The last response sent, resent on a retransmitted INVITE. */
  readonly lastResponse: SipResponse | undefined;
  /** The current Timer G interval. */
  readonly intervalG: number;
  readonly deadlines: Deadlines;
}

/** Events of the INVITE server transaction. */
export type InviteServerEvent =
  /** A retransmission of the INVITE, or an ACK, matched to this transaction. */
  | { readonly kind: 'request'; readonly request: SipRequest }
  /** The transaction user sends a response. */
  | { readonly kind: 'respond'; readonly response: SipResponse }
  | CommonEvent;

/**
 * Starts in Proceeding (§17.2.1). The 100 Trying is not sent at once: the
 * `Trying` timer sends it when the user has not answered within 200 ms.
 */
export function startInviteServer(
  request: SipRequest,
  reliable: boolean,
  timers: TimerValues,
  now: number,
): Step<InviteServerState> {
  const at = now + timers.trying100;
  return {
    state: {
      kind: 'InviteServer',
      name: 'Proceeding',
      request,
      reliable,
      timers,
      lastResponse: undefined,
      intervalG: timers.t1,
      deadlines: { Trying: at },
    },
    actions: [{ kind: 'startTimer', timer: 'Trying', at }],
  };
}

function terminate(state: InviteServerState, actions: TransactionAction[]): Step<InviteServerState> {
  for (const t of Object.keys(state.deadlines)) actions.push({ kind: 'cancelTimer', timer: t as keyof Deadlines });
  actions.push({ kind: 'terminated' });
  return { state: { ...state, name: 'Terminated', deadlines: {} }, actions };
}

function transportFailure(state: InviteServerState, cause: unknown): Step<InviteServerState> {
  return terminate(state, [{ kind: 'fail', error: new TransactionError('TX_ERR_TRANSPORT', undefined, { cause }) }]);
}

/** One step of the INVITE server transaction. */
export function stepInviteServer(
  state: InviteServerState,
  event: InviteServerEvent,
  now: number,
): Step<InviteServerState> {
  const actions: TransactionAction[] = [];
  switch (state.name) {
    case 'Proceeding': {
      switch (event.kind) {
        case 'request':
          // §17.2.1: a retransmitted INVITE gets the last provisional response again.
          if (event.request.method !== 'ACK' && state.lastResponse !== undefined)
            actions.push({ kind: 'send', message: state.lastResponse });
          return { state, actions };
        case 'timer':
          if (event.timer === 'Trying' && isDue(state.deadlines, 'Trying', now)) {
            // §17.2.1: the user did not answer within 200 ms: send 100 Trying for it.
            const trying = createResponse(state.request, 100);
            actions.push({ kind: 'send', message: trying });
            return {
              state: { ...state, lastResponse: trying, deadlines: withoutTimers(state.deadlines, 'Trying') },
              actions,
            };
          }
          return { state, actions };
        case 'transportError':
          return transportFailure(state, event.cause);
        case 'respond': {
          const { response } = event;
          const deadlines = withoutTimers(state.deadlines, 'Trying');
          actions.push({ kind: 'cancelTimer', timer: 'Trying' }, { kind: 'send', message: response });
          if (response.status < 200) return { state: { ...state, lastResponse: response, deadlines }, actions };
          if (response.status < 300) {
            // RFC 6026 §7.1: a 2xx moves to Accepted with Timer L (64·T1); the user retransmits the 2xx.
            const at = now + 64 * state.timers.t1;
            actions.push({ kind: 'startTimer', timer: 'L', at });
            // Accepted never resends a response of its own (the TU retransmits the 2xx): it keeps none.
            return {
              state: { ...state, name: 'Accepted', lastResponse: undefined, deadlines: withTimer(deadlines, 'L', at) },
              actions,
            };
          }
          // §17.2.1: 300–699 → Completed, Timer G (T1, unreliable only) and Timer H (64·T1).
          let next = deadlines;
          if (!state.reliable) {
            next = withTimer(next, 'G', now + state.timers.t1);
            actions.push({ kind: 'startTimer', timer: 'G', at: now + state.timers.t1 });
          }
          next = withTimer(next, 'H', now + 64 * state.timers.t1);
          actions.push({ kind: 'startTimer', timer: 'H', at: now + 64 * state.timers.t1 });
          return {
            state: { ...state, name: 'Completed', lastResponse: response, intervalG: state.timers.t1, deadlines: next },
            actions,
          };
        }
      }
      break;
    }
    case 'Completed': {
      switch (event.kind) {
        case 'request':
          if (event.request.method === 'ACK') {
            // §17.2.1: the ACK moves Completed → Confirmed; Timer I (T4 unreliable, 0 reliable). The ACK is absorbed.
            const at = now + (state.reliable ? 0 : state.timers.t4);
            actions.push(
              { kind: 'cancelTimer', timer: 'G' },
              { kind: 'cancelTimer', timer: 'H' },
              { kind: 'startTimer', timer: 'I', at },
            );
            // Confirmed only absorbs ACKs: the final response is no longer needed.
            return {
              state: {
                ...state,
                name: 'Confirmed',
                lastResponse: undefined,
                deadlines: withTimer(withoutTimers(state.deadlines, 'G', 'H'), 'I', at),
              },
              actions,
            };
          }
          if (state.lastResponse !== undefined) actions.push({ kind: 'send', message: state.lastResponse });
          return { state, actions };
        case 'timer':
          if (event.timer === 'G' && isDue(state.deadlines, 'G', now) && state.lastResponse !== undefined) {
            // §17.2.1: retransmit; the interval doubles up to T2.
            const intervalG = Math.min(2 * state.intervalG, state.timers.t2);
            actions.push(
              { kind: 'send', message: state.lastResponse },
              { kind: 'startTimer', timer: 'G', at: now + intervalG },
            );
            return {
              state: { ...state, intervalG, deadlines: withTimer(state.deadlines, 'G', now + intervalG) },
              actions,
            };
          }
          if (event.timer === 'H' && isDue(state.deadlines, 'H', now)) {
            // §17.2.1: no ACK within 64·T1: tell the user.
            actions.push({
              kind: 'fail',
              error: new TransactionError('TX_ERR_TIMEOUT', 'Timer H fired: no ACK for the final response', {
                timer: 'H',
              }),
            });
            return terminate(state, actions);
          }
          return { state, actions };
        case 'transportError':
          return transportFailure(state, event.cause);
        case 'respond':
          return { state, actions };
      }
      break;
    }
    case 'Confirmed':
      // §17.2.1: further ACKs are absorbed until Timer I fires.
      if (event.kind === 'timer' && event.timer === 'I' && isDue(state.deadlines, 'I', now))
        return terminate(state, actions);
      return { state, actions };
    case 'Accepted':
      switch (event.kind) {
        case 'request':
          // RFC 6026 §7.1: a retransmitted INVITE is absorbed; an ACK goes to the user.
          if (event.request.method === 'ACK') actions.push({ kind: 'deliverRequest', request: event.request });
          return { state, actions };
        case 'respond':
          // RFC 6026 §7.1: the user's 2xx retransmissions pass through.
          if (event.response.status >= 200 && event.response.status < 300)
            actions.push({ kind: 'send', message: event.response });
          return { state, actions };
        case 'timer':
          if (event.timer === 'L' && isDue(state.deadlines, 'L', now)) return terminate(state, actions);
          return { state, actions };
        case 'transportError':
          // RFC 6026 §7.1: a transport error in Accepted is reported; the transaction stays until Timer L.
          actions.push({
            kind: 'fail',
            error: new TransactionError('TX_ERR_TRANSPORT', undefined, { cause: event.cause }),
          });
          return { state, actions };
      }
      break;
    case 'Terminated':
      return { state, actions };
  }
  return { state, actions };
}

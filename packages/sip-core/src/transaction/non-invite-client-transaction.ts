/**
 * The non-INVITE client transaction of RFC 3261 §17.1.2, as a pure state
 * machine.
 */
import type { SipRequest, SipResponse } from '../message.js';
import type { CommonEvent, Step, TransactionAction } from './actions.js';
import { type Deadlines, type TimerValues, isDue, withTimer, withoutTimers } from './timers.js';
import { TransactionError } from './transaction-error.js';

/** States of the non-INVITE client transaction (RFC 3261 Figure 6). */
export type NonInviteClientStateName = 'Trying' | 'Proceeding' | 'Completed' | 'Terminated';

/** The whole state of one non-INVITE client transaction. */
export interface NonInviteClientState {
  readonly kind: 'NonInviteClient';
  readonly name: NonInviteClientStateName;
  readonly request: SipRequest;
  readonly reliable: boolean;
  readonly timers: TimerValues;
  /** The current Timer E interval. */
  readonly intervalE: number;
  readonly deadlines: Deadlines;
}

/** Events of the non-INVITE client transaction. */
export type NonInviteClientEvent = { readonly kind: 'response'; readonly response: SipResponse } | CommonEvent;

/** Starts in Trying: sends the request, Timer E (T1, unreliable only) and Timer F (64·T1) (§17.1.2.2). */
export function startNonInviteClient(
  request: SipRequest,
  reliable: boolean,
  timers: TimerValues,
  now: number,
): Step<NonInviteClientState> {
  const actions: TransactionAction[] = [{ kind: 'send', message: request }];
  let deadlines: Deadlines = {};
  if (!reliable) {
    deadlines = withTimer(deadlines, 'E', now + timers.t1);
    actions.push({ kind: 'startTimer', timer: 'E', at: now + timers.t1 });
  }
  deadlines = withTimer(deadlines, 'F', now + 64 * timers.t1);
  actions.push({ kind: 'startTimer', timer: 'F', at: now + 64 * timers.t1 });
  return {
    state: { kind: 'NonInviteClient', name: 'Trying', request, reliable, timers, intervalE: timers.t1, deadlines },
    actions,
  };
}

function terminate(state: NonInviteClientState, actions: TransactionAction[]): Step<NonInviteClientState> {
  for (const t of Object.keys(state.deadlines)) actions.push({ kind: 'cancelTimer', timer: t as keyof Deadlines });
  actions.push({ kind: 'terminated' });
  return { state: { ...state, name: 'Terminated', deadlines: {} }, actions };
}

/** One step of the non-INVITE client transaction. */
export function stepNonInviteClient(
  state: NonInviteClientState,
  event: NonInviteClientEvent,
  now: number,
): Step<NonInviteClientState> {
  const actions: TransactionAction[] = [];
  switch (state.name) {
    case 'Trying':
    case 'Proceeding': {
      if (event.kind === 'timer') {
        if (event.timer === 'E' && isDue(state.deadlines, 'E', now)) {
          // §17.1.2.2: in Trying the interval doubles up to T2; in Proceeding it is T2.
          const intervalE = state.name === 'Trying' ? Math.min(2 * state.intervalE, state.timers.t2) : state.timers.t2;
          actions.push(
            { kind: 'send', message: state.request },
            { kind: 'startTimer', timer: 'E', at: now + intervalE },
          );
          return {
            state: { ...state, intervalE, deadlines: withTimer(state.deadlines, 'E', now + intervalE) },
            actions,
          };
        }
        if (event.timer === 'F' && isDue(state.deadlines, 'F', now)) {
          actions.push({
            kind: 'fail',
            error: new TransactionError('TX_ERR_TIMEOUT', 'Timer F fired: no final response', { timer: 'F' }),
          });
          return terminate(state, actions);
        }
        return { state, actions };
      }
      if (event.kind === 'transportError') {
        actions.push({
          kind: 'fail',
          error: new TransactionError('TX_ERR_TRANSPORT', undefined, { cause: event.cause }),
        });
        return terminate(state, actions);
      }
      actions.push({ kind: 'deliverResponse', response: event.response });
      if (event.response.status < 200) {
        // §17.1.2.2: a provisional response moves Trying → Proceeding; retransmissions continue at T2.
        return { state: { ...state, name: 'Proceeding' }, actions };
      }
      // §17.1.2.2: a final response → Completed, Timer K (T4 unreliable, 0 reliable).
      const at = now + (state.reliable ? 0 : state.timers.t4);
      actions.push(
        { kind: 'cancelTimer', timer: 'E' },
        { kind: 'cancelTimer', timer: 'F' },
        { kind: 'startTimer', timer: 'K', at },
      );
      return {
        state: { ...state, name: 'Completed', deadlines: withTimer(withoutTimers(state.deadlines, 'E', 'F'), 'K', at) },
        actions,
      };
    }
    case 'Completed':
      // §17.1.2.2: retransmitted final responses are absorbed.
      if (event.kind === 'timer' && event.timer === 'K' && isDue(state.deadlines, 'K', now))
        return terminate(state, actions);
      return { state, actions };
    case 'Terminated':
      return { state, actions };
  }
}

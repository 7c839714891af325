/**
 * The non-INVITE server transaction of RFC 3261 §17.2.2, as a pure state
 * machine.
 */
import type { SipRequest, SipResponse } from '../message.js';
import type { CommonEvent, Step, TransactionAction } from './actions.js';
import { type Deadlines, type TimerValues, isDue, withTimer } from './timers.js';
import { TransactionError } from './transaction-error.js';

/** States of the non-INVITE server transaction (RFC 3261 Figure 8). */
export type NonInviteServerStateName = 'Trying' | 'Proceeding' | 'Completed' | 'Terminated';

/** The whole state of one non-INVITE server transaction. */
export interface NonInviteServerState {
  readonly kind: 'NonInviteServer';
  readonly name: NonInviteServerStateName;
  readonly request: SipRequest;
  readonly reliable: boolean;
  readonly timers: TimerValues;
  readonly lastResponse: SipResponse | undefined;
  readonly deadlines: Deadlines;
}

/** Events of the non-INVITE server transaction. */
export type NonInviteServerEvent =
  | { readonly kind: 'request'; readonly request: SipRequest }
  | { readonly kind: 'respond'; readonly response: SipResponse }
  | CommonEvent;

/** Starts in Trying (§17.2.2); nothing is sent until the user responds. */
export function startNonInviteServer(
  request: SipRequest,
  reliable: boolean,
  timers: TimerValues,
): Step<NonInviteServerState> {
  return {
    state: {
      kind: 'NonInviteServer',
      name: 'Trying',
      request,
      reliable,
      timers,
      lastResponse: undefined,
      deadlines: {},
    },
    actions: [],
  };
}

function terminate(state: NonInviteServerState, actions: TransactionAction[]): Step<NonInviteServerState> {
  for (const t of Object.keys(state.deadlines)) actions.push({ kind: 'cancelTimer', timer: t as keyof Deadlines });
  actions.push({ kind: 'terminated' });
  return { state: { ...state, name: 'Terminated', deadlines: {} }, actions };
}

/** One step of the non-INVITE server transaction. */
export function stepNonInviteServer(
  state: NonInviteServerState,
  event: NonInviteServerEvent,
  now: number,
): Step<NonInviteServerState> {
  const actions: TransactionAction[] = [];
  if (state.name === 'Terminated') return { state, actions };
  switch (event.kind) {
    case 'request':
      // §17.2.2: a retransmission is discarded in Trying, answered with the last response after.
      if (state.name !== 'Trying' && state.lastResponse !== undefined)
        actions.push({ kind: 'send', message: state.lastResponse });
      return { state, actions };
    case 'respond': {
      if (state.name === 'Completed') return { state, actions };
      actions.push({ kind: 'send', message: event.response });
      if (event.response.status < 200)
        return { state: { ...state, name: 'Proceeding', lastResponse: event.response }, actions };
      // §17.2.2: a final response → Completed, Timer J (64·T1 unreliable, 0 reliable).
      const at = now + (state.reliable ? 0 : 64 * state.timers.t1);
      actions.push({ kind: 'startTimer', timer: 'J', at });
      return {
        state: {
          ...state,
          name: 'Completed',
          lastResponse: event.response,
          deadlines: withTimer(state.deadlines, 'J', at),
        },
        actions,
      };
    }
    case 'timer':
      if (event.timer === 'J' && state.name === 'Completed' && isDue(state.deadlines, 'J', now))
        return terminate(state, actions);
      return { state, actions };
    case 'transportError':
      return terminate(state, [
        { kind: 'fail', error: new TransactionError('TX_ERR_TRANSPORT', undefined, { cause: event.cause }) },
      ]);
  }
}

/**
 * The INVITE client transaction of RFC 3261 §17.1.1, with the Accepted
 * state of RFC 6026 §7.2, as a pure state machine.
 */
import type { SipRequest, SipResponse } from '../message.js';
import type { CommonEvent, Step, TransactionAction } from './actions.js';
import { type Deadlines, type TimerValues, isDue, withTimer, withoutTimers } from './timers.js';
import { TransactionError } from './transaction-error.js';
import { createNonSuccessAck } from './transaction-messages.js';

/** States of the INVITE client transaction (RFC 3261 Figure 5, RFC 6026 Figure 3). */
export type InviteClientStateName = 'Calling' | 'Proceeding' | 'Completed' | 'Accepted' | 'Terminated';

/** The whole state of one INVITE client transaction: data plus absolute deadlines. */
export interface InviteClientState {
  readonly kind: 'InviteClient';
  readonly name: InviteClientStateName;
  readonly request: SipRequest;
  readonly reliable: boolean;
  readonly timers: TimerValues;
  /** The current Timer A interval (doubles on each retransmission). */
  readonly intervalA: number;
  /** The ACK built for the non-2xx final response, resent on its retransmissions. */
  readonly ack: SipRequest | undefined;
  readonly deadlines: Deadlines;
}

/** Events of the INVITE client transaction. */
export type InviteClientEvent = { readonly kind: 'response'; readonly response: SipResponse } | CommonEvent;

/**
 * Starts the transaction in Calling: sends the INVITE, starts Timer A (T1,
 * unreliable transports only) and Timer B (64·T1) (RFC 3261 §17.1.1.2).
 */
export function startInviteClient(
  request: SipRequest,
  reliable: boolean,
  timers: TimerValues,
  now: number,
): Step<InviteClientState> {
  const actions: TransactionAction[] = [{ kind: 'send', message: request }];
  let deadlines: Deadlines = {};
  if (!reliable) {
    deadlines = withTimer(deadlines, 'A', now + timers.t1);
    actions.push({ kind: 'startTimer', timer: 'A', at: now + timers.t1 });
  }
  deadlines = withTimer(deadlines, 'B', now + 64 * timers.t1);
  actions.push({ kind: 'startTimer', timer: 'B', at: now + 64 * timers.t1 });
  return {
    state: {
      kind: 'InviteClient',
      name: 'Calling',
      request,
      reliable,
      timers,
      intervalA: timers.t1,
      ack: undefined,
      deadlines,
    },
    actions,
  };
}

function terminate(state: InviteClientState, actions: TransactionAction[]): Step<InviteClientState> {
  for (const t of Object.keys(state.deadlines)) actions.push({ kind: 'cancelTimer', timer: t as keyof Deadlines });
  actions.push({ kind: 'terminated' });
  return { state: { ...state, name: 'Terminated', deadlines: {} }, actions };
}

/** One step of the INVITE client transaction. */
export function stepInviteClient(
  state: InviteClientState,
  event: InviteClientEvent,
  now: number,
): Step<InviteClientState> {
  const actions: TransactionAction[] = [];
  switch (state.name) {
    case 'Calling':
    case 'Proceeding': {
      if (event.kind === 'timer') {
        if (event.timer === 'A' && state.name === 'Calling' && isDue(state.deadlines, 'A', now)) {
          // §17.1.1.2: retransmit, and double the interval (no T2 cap for INVITE).
          const intervalA = state.intervalA * 2;
          actions.push(
            { kind: 'send', message: state.request },
            { kind: 'startTimer', timer: 'A', at: now + intervalA },
          );
          return {
            state: { ...state, intervalA, deadlines: withTimer(state.deadlines, 'A', now + intervalA) },
            actions,
          };
        }
        if (event.timer === 'B' && isDue(state.deadlines, 'B', now)) {
          // §17.1.1.2: Timer B fires in Calling → timeout; RFC 6026 lets it run in Proceeding too only when still Calling.
          if (state.name !== 'Calling') return { state, actions };
          actions.push({
            kind: 'fail',
            error: new TransactionError('TX_ERR_TIMEOUT', 'Timer B fired: no response to the INVITE', { timer: 'B' }),
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
      const { status } = event.response;
      if (status < 200) {
        // §17.1.1.2: a provisional response moves Calling → Proceeding and stops retransmissions.
        actions.push(
          { kind: 'cancelTimer', timer: 'A' },
          { kind: 'cancelTimer', timer: 'B' },
          { kind: 'deliverResponse', response: event.response },
        );
        return {
          state: { ...state, name: 'Proceeding', deadlines: withoutTimers(state.deadlines, 'A', 'B') },
          actions,
        };
      }
      if (status < 300) {
        // RFC 6026 §7.2: a 2xx moves to Accepted and starts Timer M (64·T1).
        const at = now + 64 * state.timers.t1;
        actions.push(
          { kind: 'cancelTimer', timer: 'A' },
          { kind: 'cancelTimer', timer: 'B' },
          { kind: 'deliverResponse', response: event.response },
          { kind: 'startTimer', timer: 'M', at },
        );
        return {
          state: {
            ...state,
            name: 'Accepted',
            deadlines: withTimer(withoutTimers(state.deadlines, 'A', 'B'), 'M', at),
          },
          actions,
        };
      }
      // §17.1.1.2: 300–699 → Completed: ACK it, tell the user, Timer D (≥32 s unreliable, 0 reliable).
      const ack = createNonSuccessAck(state.request, event.response);
      const at = now + (state.reliable ? 0 : state.timers.timerD);
      actions.push(
        { kind: 'cancelTimer', timer: 'A' },
        { kind: 'cancelTimer', timer: 'B' },
        { kind: 'deliverResponse', response: event.response },
        { kind: 'send', message: ack },
        { kind: 'startTimer', timer: 'D', at },
      );
      return {
        state: {
          ...state,
          name: 'Completed',
          ack,
          deadlines: withTimer(withoutTimers(state.deadlines, 'A', 'B'), 'D', at),
        },
        actions,
      };
    }
    case 'Completed': {
      if (event.kind === 'response') {
        // §17.1.1.2: a retransmitted final response is ACKed again and not passed up.
        if (event.response.status >= 300 && state.ack !== undefined) actions.push({ kind: 'send', message: state.ack });
        return { state, actions };
      }
      if (event.kind === 'timer' && event.timer === 'D' && isDue(state.deadlines, 'D', now))
        return terminate(state, actions);
      if (event.kind === 'transportError') {
        // §17.1.1.2: a transport failure sending the ACK ends the transaction.
        actions.push({
          kind: 'fail',
          error: new TransactionError('TX_ERR_TRANSPORT', undefined, { cause: event.cause }),
        });
        return terminate(state, actions);
      }
      return { state, actions };
    }
    case 'Accepted': {
      // RFC 6026 §7.2: every 2xx retransmission goes to the user, who ACKs it.
      if (event.kind === 'response') {
        if (event.response.status >= 200 && event.response.status < 300)
          actions.push({ kind: 'deliverResponse', response: event.response });
        return { state, actions };
      }
      if (event.kind === 'timer' && event.timer === 'M' && isDue(state.deadlines, 'M', now))
        return terminate(state, actions);
      return { state, actions };
    }
    case 'Terminated':
      return { state, actions };
  }
}

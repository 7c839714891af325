/**
 * The UAS core's retransmission of a 2xx to an INVITE until its ACK
 * arrives (RFC 3261 §13.3.1.4), as a pure state machine: the interval
 * starts at T1 and doubles up to T2; after 64·T1 without an ACK the UAS
 * gives up (and the dialog is ended with a BYE by its driver).
 */
import type { TimerValues } from '../transaction/timers.js';
import type { RetransmissionAction } from './retransmission-driver.js';

/** States of the 2xx retransmission. */
export type SuccessRetransmissionStateName = 'Waiting' | 'Acknowledged' | 'GaveUp';

/** The whole state: data plus absolute deadlines. */
export interface SuccessRetransmissionState {
  readonly name: SuccessRetransmissionStateName;
  /** The current retransmission interval. */
  readonly interval: number;
  /** When the 2xx is sent again; undefined on a reliable transport (no retransmission). */
  readonly retransmitAt: number | undefined;
  /** When the UAS gives up waiting for the ACK (64·T1 after the first 2xx). */
  readonly giveUpAt: number;
  readonly t2: number;
}

/** What the driver does (retransmission-driver.ts): `giveUp` when 64·T1 passed without an ACK (§13.3.1.4: end the session with a BYE). */
export type SuccessRetransmissionAction = RetransmissionAction;

/** Events of the 2xx retransmission. */
export type SuccessRetransmissionEvent = { readonly kind: 'timer' } | { readonly kind: 'ack' };

/** Result of one step. */
export interface SuccessRetransmissionStep {
  readonly state: SuccessRetransmissionState;
  readonly actions: readonly SuccessRetransmissionAction[];
}

function nextDeadline(state: SuccessRetransmissionState): number {
  return state.retransmitAt === undefined ? state.giveUpAt : Math.min(state.retransmitAt, state.giveUpAt);
}

/**
 * Starts after the first 2xx was sent at `now`. On an unreliable transport
 * the first retransmission is due at `now + T1`; on a reliable one only the
 * 64·T1 give-up runs.
 */
export function startSuccessRetransmission(
  now: number,
  timers: TimerValues,
  reliable: boolean,
): SuccessRetransmissionStep {
  const state: SuccessRetransmissionState = {
    name: 'Waiting',
    interval: timers.t1,
    retransmitAt: reliable ? undefined : now + timers.t1,
    giveUpAt: now + 64 * timers.t1,
    t2: timers.t2,
  };
  return { state, actions: [{ kind: 'startTimer', at: nextDeadline(state) }] };
}

/** One step of the 2xx retransmission. */
export function stepSuccessRetransmission(
  state: SuccessRetransmissionState,
  event: SuccessRetransmissionEvent,
  now: number,
): SuccessRetransmissionStep {
  if (state.name !== 'Waiting') return { state, actions: [] };
  if (event.kind === 'ack') {
    // §13.3.1.4: the ACK stops the retransmissions.
    return { state: { ...state, name: 'Acknowledged', retransmitAt: undefined }, actions: [{ kind: 'cancelTimer' }] };
  }
  if (now >= state.giveUpAt) {
    return { state: { ...state, name: 'GaveUp', retransmitAt: undefined }, actions: [{ kind: 'giveUp' }] };
  }
  if (state.retransmitAt !== undefined && now >= state.retransmitAt) {
    // §13.3.1.4: the interval doubles until it reaches T2.
    const interval = Math.min(2 * state.interval, state.t2);
    const next = { ...state, interval, retransmitAt: now + interval };
    return { state: next, actions: [{ kind: 'retransmit' }, { kind: 'startTimer', at: nextDeadline(next) }] };
  }
  // An early wake-up: arm again for the real deadline.
  return { state, actions: [{ kind: 'startTimer', at: nextDeadline(state) }] };
}

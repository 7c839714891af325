/**
 * Runs a retransmission machine — the 2xx until its ACK (RFC 3261
 * §13.3.1.4, success-retransmission.ts) or a reliable provisional response
 * until its PRACK (RFC 3262 §3, reliable-provisional.ts) — on a clock: both
 * are pure functions that ask to retransmit, to arm or cancel their one
 * timer, or to give up, and are stepped again when the timer fires.
 */
import type { Clock, ClockTimer } from '../clock.js';

/** What both retransmission machines ask for. */
export type RetransmissionAction =
  | { readonly kind: 'retransmit' }
  | { readonly kind: 'startTimer'; readonly at: number }
  | { readonly kind: 'cancelTimer' }
  | { readonly kind: 'giveUp' };

/** One running machine: its state and its armed timer. */
export interface Retransmitting<S> {
  state: S;
  timer: ClockTimer | undefined;
}

/** How a machine is stepped on its timer, and what its retransmissions and giving up do. */
export interface RetransmissionDriver<S> {
  readonly clock: Clock;
  readonly onTimer: (state: S, now: number) => { readonly state: S; readonly actions: readonly RetransmissionAction[] };
  readonly retransmit: () => void;
  readonly giveUp: () => void;
}

/** Performs `actions` of the machine `run`. */
export function driveRetransmission<S>(
  run: Retransmitting<S>,
  actions: readonly RetransmissionAction[],
  driver: RetransmissionDriver<S>,
): void {
  for (const action of actions) {
    switch (action.kind) {
      case 'retransmit':
        driver.retransmit();
        break;
      case 'startTimer':
        run.timer?.cancel();
        run.timer = driver.clock.setTimerAt(action.at, () => {
          run.timer = undefined;
          const step = driver.onTimer(run.state, driver.clock.now());
          run.state = step.state;
          driveRetransmission(run, step.actions, driver);
        });
        break;
      case 'cancelTimer':
        run.timer?.cancel();
        run.timer = undefined;
        break;
      case 'giveUp':
        driver.giveUp();
        break;
    }
  }
}

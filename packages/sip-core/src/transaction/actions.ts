import type { SipMessage, SipRequest, SipResponse } from '../message.js';
import type { TimerName } from './timers.js';
import type { TransactionError } from './transaction-error.js';

/**
 * What a transaction state machine asks its driver to do. The machines are
 * pure: `step(state, event, now) → { state, actions }`; the driver performs
 * the actions in order.
 */
export type TransactionAction =
  /** Send (or retransmit) this message to the transaction's peer. */
  | { readonly kind: 'send'; readonly message: SipMessage }
  /** Arrange a `timer` event at absolute time `at` (replaces a running timer of that name). */
  | { readonly kind: 'startTimer'; readonly timer: TimerName; readonly at: number }
  /** The named timer is no longer needed. */
  | { readonly kind: 'cancelTimer'; readonly timer: TimerName }
  /** Hand a response to the transaction user (client transactions). */
  | { readonly kind: 'deliverResponse'; readonly response: SipResponse }
  /** Hand a request to the transaction user (the 2xx ACK seen in Accepted, RFC 6026 §8.7). */
  | { readonly kind: 'deliverRequest'; readonly request: SipRequest }
  /** Report a timeout or transport failure to the transaction user. */
  | { readonly kind: 'fail'; readonly error: TransactionError }
  /** The transaction reached Terminated: forget it. */
  | { readonly kind: 'terminated' };

/** Result of one step. */
export interface Step<S> {
  readonly state: S;
  readonly actions: readonly TransactionAction[];
}

/** Events every machine takes. */
export type CommonEvent =
  | { readonly kind: 'timer'; readonly timer: TimerName }
  | { readonly kind: 'transportError'; readonly cause: unknown };

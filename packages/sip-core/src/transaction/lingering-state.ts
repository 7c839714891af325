/**
 * The states in which a transaction only lingers (up to 64·T1, Timers D, I,
 * J, K, L, M), and what it keeps of its messages there (see
 * sealed-message.ts).
 */
import { SipRequest, type SipResponse } from '../message.js';
import { sealMessage } from '../sealed-message.js';
import type { InviteClientState } from './invite-client-transaction.js';
import type { InviteServerState } from './invite-server-transaction.js';
import type { NonInviteClientState } from './non-invite-client-transaction.js';
import type { NonInviteServerState } from './non-invite-server-transaction.js';

/** The state of any of the four transaction machines. */
export type AnyState = InviteClientState | NonInviteClientState | InviteServerState | NonInviteServerState;

/**
 * States in which a transaction only absorbs retransmissions or resends what
 * it already sent, for up to 64·T1 (Timers D, I, J, K, L, M).
 */
export function isLingering(state: AnyState): boolean {
  switch (state.kind) {
    case 'InviteServer':
      return state.name === 'Accepted' || state.name === 'Completed' || state.name === 'Confirmed';
    case 'InviteClient':
      return state.name === 'Accepted' || state.name === 'Completed';
    case 'NonInviteServer':
    case 'NonInviteClient':
      return state.name === 'Completed';
  }
}

/**
 * What a lingering transaction keeps of its messages: a placeholder for the
 * request (its identity is kept as text by the {@link Running}), and sealed
 * copies of the response or ACK it may send again, instead of the parsed
 * messages (at a thousand calls a second, a hundred thousand transactions
 * linger at once: see sealed-message.ts).
 */
export function compact(state: AnyState): AnyState {
  const request = LINGERING_REQUEST;
  switch (state.kind) {
    case 'InviteServer':
    case 'NonInviteServer':
      return { ...state, request, lastResponse: sealedOrUndefined(state.lastResponse) };
    case 'InviteClient':
      return { ...state, request, ack: sealedOrUndefined(state.ack) };
    case 'NonInviteClient':
      return { ...state, request };
  }
}

function sealedOrUndefined<M extends SipRequest | SipResponse>(message: M | undefined): M | undefined {
  return message === undefined || message.wire !== undefined ? message : sealMessage(message);
}

/** Stands for the request in a lingering state: no machine reads it there. */
const LINGERING_REQUEST = new SipRequest({
  method: 'LINGERING',
  uri: { kind: 'absolute', scheme: 'urn', opaque: 'x-lingering' },
});

import { messageKind, type WebTerminalMessage } from './messages.js';
import type { TerminalRefusalReason } from './terminal-limits.js';

/** What a terminal's message asks for, once its shape is checked (not yet against the calls). */
export type TerminalCommand =
  /** `Offer` with `msisdn`: place a call. */
  | { readonly kind: 'call'; readonly callee: string; readonly sdp: string }
  /** `Offer` without `msisdn`: take a call onto the terminal (pull, or back after a reattach). */
  | { readonly kind: 'pull'; readonly sdp: string }
  | { readonly kind: 'answer'; readonly sdp: string }
  | { readonly kind: 'ringing' }
  | { readonly kind: 'bye' }
  /** `Action{toPhone}`. */
  | { readonly kind: 'to-phone' }
  /** Not acceptable whatever the calls are. */
  | { readonly kind: 'refuse'; readonly reason: TerminalRefusalReason };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Reads a terminal's message: on a MultiPipe `call_id` must be a UUID (any
 * version); an SDP must be present and at most `maxSdpLength` characters;
 * `Idle`, `InCall` and `Error` are the server's to send; a message with no
 * member set (or one that did not decode) is not understood. `Action` without
 * `toPhone` is not understood either.
 */
export function readTerminalMessage(
  message: WebTerminalMessage,
  multiPipe: boolean,
  maxSdpLength: number,
): TerminalCommand {
  const callId = typeof message.callId === 'string' ? message.callId : '';
  if (multiPipe && !UUID.test(callId)) return refuse('invalid-call-id');
  const sdpOf = (sdp: string | undefined): string | undefined =>
    typeof sdp === 'string' && sdp !== '' && sdp.length <= maxSdpLength ? sdp : undefined;
  switch (messageKind(message)) {
    case 'offer': {
      const sdp = sdpOf(message.offer?.sdp);
      if (sdp === undefined) return refuse('bad-message');
      const callee = message.offer?.msisdn?.e164 ?? '';
      return callee === '' ? { kind: 'pull', sdp } : { kind: 'call', callee, sdp };
    }
    case 'answer': {
      const sdp = sdpOf(message.answer?.sdp);
      return sdp === undefined ? refuse('bad-message') : { kind: 'answer', sdp };
    }
    case 'ringing':
      return { kind: 'ringing' };
    case 'bye':
      return { kind: 'bye' };
    case 'action':
      return message.action?.toPhone === undefined || message.action.toPhone === null
        ? refuse('bad-message')
        : { kind: 'to-phone' };
    case 'idle':
    case 'inCall':
    case 'error':
      return refuse('unexpected-message');
    case undefined:
      return refuse('bad-message');
  }
}

function refuse(reason: TerminalRefusalReason): TerminalCommand {
  return { kind: 'refuse', reason };
}

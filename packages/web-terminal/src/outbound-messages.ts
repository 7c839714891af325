import type { ErrorCodeName, WebTerminalMessage } from './messages.js';

/** The messages the hub sends, built in one place so every one carries its `call_id`. */
export const outbound = {
  offer: (callId: string, sdp: string, msisdn?: string): WebTerminalMessage => ({
    callId,
    offer: msisdn === undefined ? { sdp } : { sdp, msisdn: { e164: msisdn } },
  }),
  answer: (callId: string, sdp: string): WebTerminalMessage => ({ callId, answer: { sdp } }),
  ringing: (callId: string): WebTerminalMessage => ({ callId, ringing: {} }),
  bye: (callId: string): WebTerminalMessage => ({ callId, bye: {} }),
  idle: (callId: string): WebTerminalMessage => ({ callId, idle: {} }),
  inCall: (callId: string, msisdn: string): WebTerminalMessage => ({ callId, inCall: { msisdn: { e164: msisdn } } }),
  error: (callId: string, err: ErrorCodeName): WebTerminalMessage => ({ callId, error: { err } }),
};

/**
 * The call world of `@sipbreakout/sip-core/testing` under the short names
 * these tests use, and a B2BUA agent on it.
 */
import type { SipMessage } from '@sipbreakout/sip-core';
import type { CallAgent } from '@sipbreakout/sip-core/testing';
import { bodyText } from '@sipbreakout/sip-core/testing';
import * as sdpTransform from 'sdp-transform';
import { B2buaCall } from '../src/b2bua-call.js';
import type { B2buaHooks } from '../src/b2bua-call-types.js';

export {
  CALLER_SDP as SDP_A,
  CALLEE_SDP as SDP_B,
  answerInvites as answerWith,
  bodyText as bodyOf,
  createCallWorld as world,
  createTestInvite as newInvite,
  receivedRequests as requests,
  startLines as starts,
} from '@sipbreakout/sip-core/testing';
export type { CallAgent as Agent, CallWorld as World } from '@sipbreakout/sip-core/testing';
export { serializeMessage } from '@sipbreakout/sip-core';

/** The SDP body of `m`, read by sdp-transform (the B2BUA itself never reads SDP). */
export function sdpOf(m: SipMessage): sdpTransform.SessionDescription {
  return sdpTransform.parse(bodyText(m));
}

/** The port of the first audio stream of `m`'s SDP. */
export function audioPortOf(m: SipMessage): number | undefined {
  return sdpOf(m).media.find((media) => media.type === 'audio')?.port;
}

/** `sdp` with the port of every audio stream moved to `port` (or to what `port` makes of the old one), written by sdp-transform. */
export function withAudioPort(sdp: string, port: number | ((old: number) => number)): string {
  const session = sdpTransform.parse(sdp);
  for (const media of session.media)
    if (media.type === 'audio') media.port = typeof port === 'number' ? port : port(media.port);
  return sdpTransform.write(session);
}

/** The B2BUA: each INVITE becomes a call, set up by `start`. */
export function b2bua(agent: CallAgent, start: (call: B2buaCall) => void, hooks?: B2buaHooks): B2buaCall[] {
  const calls: B2buaCall[] = [];
  agent.layer.onInvite = (invite) => {
    const call = new B2buaCall(agent.layer, invite, hooks === undefined ? {} : { hooks });
    calls.push(call);
    start(call);
  };
  return calls;
}

/** Moves the clock `ms` forward in steps of 5 ms, letting promises (hooks, handlers, awaited flows) settle between steps. */
export async function advance(w: { run(ms: number): void }, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 5) {
    w.run(5);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

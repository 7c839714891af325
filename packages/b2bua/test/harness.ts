/**
 * The call world of `@sipbreakout/sip-core/testing` under the short names
 * these tests use, and a B2BUA agent on it.
 */
import type { CallAgent } from '@sipbreakout/sip-core/testing';
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

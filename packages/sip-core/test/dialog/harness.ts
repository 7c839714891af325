/**
 * The call world of `@sipbreakout/sip-core/testing` under the short names
 * the dialog tests use.
 */
export {
  CALLER_SDP as SDP_A,
  CALLEE_SDP as SDP_B,
  answerInvites as answerWith,
  bodyText as bodyOf,
  createCallWorld as world,
  createTestInvite as newInvite,
  receivedRequests as requests,
  startLines as starts,
} from '../../src/testing/call-world.js';
export type { CallAgent as Agent, CallWorld as World } from '../../src/testing/call-world.js';
export { serializeMessage } from '../../src/index.js';

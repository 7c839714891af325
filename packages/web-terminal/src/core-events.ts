import type { HubCore } from './hub-core.js';
import { isBusy, terminalCallCount, type HubCall } from './hub-state.js';
import { outbound } from './outbound-messages.js';

/*
 * What the core tells the hub as calls happen (the {@link TerminalCallEvents}
 * that {@link TerminalHub} implements), each turned into the terminals'
 * messages: an incoming call offered, the callee alerting, a remote
 * renegotiation, the number in a call on the phone, a call over. Internal to
 * the package.
 */

/** See {@link TerminalCallEvents.offerIncoming}. */
export function offerIncoming(
  core: HubCore,
  request: { number: string; callId: string; caller: string; sdp: string },
): readonly string[] {
  const state = core.stateOf(request.number);
  if (state.calls.has(request.callId) || terminalCallCount(state) >= core.limits.callsPerNumber) {
    core.forgetIfEmpty(request.number);
    return [];
  }
  // A busy Pipe takes one call at a time: it is not offered another.
  const to = new Set(
    [...state.terminals.values()].filter(
      (t) => t.stream !== undefined && (t.kind === 'multi-pipe' || !isBusy(state, t)),
    ),
  );
  if (to.size === 0) {
    core.forgetIfEmpty(request.number);
    return [];
  }
  const call: HubCall = {
    callId: request.callId,
    number: request.number,
    remote: request.caller,
    place: { kind: 'offered', to, answering: undefined, sdp: request.sdp },
    puller: undefined,
    announced: new Set(),
  };
  state.calls.set(call.callId, call);
  for (const terminal of to) core.send(terminal, outbound.offer(call.callId, request.sdp, request.caller));
  return [...to].map((t) => t.key);
}

/** See {@link TerminalCallEvents.remoteRinging}. */
export function remoteRinging(core: HubCore, request: { number: string; callId: string }): void {
  const call = core.existing(request.number)?.calls.get(request.callId);
  if (call?.place.kind === 'terminal' && call.place.phase === 'outgoing')
    core.send(call.place.owner, outbound.ringing(call.callId));
}

/** See {@link TerminalCallEvents.remoteOffer}. */
export function remoteOffer(core: HubCore, request: { number: string; callId: string; sdp: string }): boolean {
  const call = core.existing(request.number)?.calls.get(request.callId);
  // A call being set up, or held for a reattach, has no terminal to answer a renegotiation.
  if (call?.place.kind !== 'terminal' || call.place.phase === 'outgoing' || call.place.grace !== undefined)
    return false;
  const owner = call.place.owner;
  if (owner.stream === undefined) return false;
  call.place.awaitingAnswer = true;
  core.send(owner, outbound.offer(call.callId, request.sdp));
  return true;
}

/** See {@link TerminalCallEvents.callOnPhone}. */
export function callOnPhone(core: HubCore, request: { number: string; callId: string; remote: string }): void {
  const state = core.stateOf(request.number);
  let call = state.calls.get(request.callId);
  if (call === undefined) {
    call = {
      callId: request.callId,
      number: request.number,
      remote: request.remote,
      place: { kind: 'phone' },
      puller: undefined,
      announced: new Set(),
    };
    state.calls.set(call.callId, call);
  } else if (call.place.kind === 'offered') {
    // The phone answered first: the offer is withdrawn from every terminal.
    for (const terminal of call.place.to) core.send(terminal, outbound.bye(call.callId));
    call.place = { kind: 'phone' };
  } else if (call.place.kind === 'terminal') {
    call.place.grace?.cancel();
    call.place = { kind: 'phone' };
  }
  core.announce(state, call);
}

/** See {@link TerminalCallEvents.callEnded}. */
export function callEnded(core: HubCore, request: { number: string; callId: string }): void {
  const state = core.existing(request.number);
  const call = state?.calls.get(request.callId);
  if (state === undefined || call === undefined) return;
  core.end(state, call);
}

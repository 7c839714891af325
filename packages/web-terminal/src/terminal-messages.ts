import type { HubCore } from './hub-core.js';
import {
  involves,
  isBusy,
  pipePullTarget,
  rememberEnded,
  terminalCallCount,
  type HubCall,
  type NumberState,
  type Terminal,
} from './hub-state.js';
import type { WebTerminalMessage } from './messages.js';
import { outbound } from './outbound-messages.js';
import { settle, tell } from './port-requests.js';
import type { CallOutcome, SdpOutcome } from './terminal-call-control.js';
import { readTerminalMessage } from './terminal-command.js';
import type { TerminalRefusalReason } from './terminal-limits.js';
import { loseCall } from './terminal-streams.js';

/*
 * A terminal's messages, each checked against the number's calls and acted
 * on: placing a call, pulling one (or asking back for its own after a
 * reattach), answering, alerting, hanging up, pushing to the phone. Every
 * message that cannot be taken is refused with an `Error` and leaves the
 * calls as they were. Internal to the package.
 */

/** Refuses the message being handled, with its `call_id`. */
type Refuse = (reason: TerminalRefusalReason) => void;

/**
 * Handles one message from an attached terminal: the number's message rate
 * first, then its shape ({@link readTerminalMessage}), then the calls.
 */
export function receiveTerminalMessage(core: HubCore, terminal: Terminal, message: WebTerminalMessage): void {
  const state = core.stateOf(terminal.number);
  const callId = typeof message.callId === 'string' ? message.callId : '';
  const refuse = (reason: TerminalRefusalReason): void => core.refuse(terminal, reason, callId);
  const rate = state.rate.take(core.clock.now(), core.limits.messagesPerSecond);
  if (rate !== 'ok') {
    // Only the first message over the rate is answered: a flood gets no flood back.
    if (rate === 'refuse') core.refuse(terminal, 'rate-limit', callId);
    else core.refuseSilently(terminal, 'rate-limit', callId);
    return;
  }
  const command = readTerminalMessage(message, terminal.kind === 'multi-pipe', core.limits.maxSdpLength);
  switch (command.kind) {
    case 'refuse':
      return refuse(command.reason);
    case 'call':
      return placeCall(core, state, terminal, callId, command.callee, command.sdp, refuse);
    case 'pull':
      return pull(core, state, terminal, callId, command.sdp, refuse);
    case 'answer': {
      const call = callOf(state, terminal, callId);
      if (call === undefined) return refuse(terminal.kind === 'pipe' ? 'answer-without-offer' : 'unknown-call');
      return answer(core, state, terminal, call, command.sdp, refuse);
    }
    case 'ringing': {
      const call = callOf(state, terminal, callId);
      if (call === undefined) return refuse(terminal.kind === 'pipe' ? 'answer-without-offer' : 'unknown-call');
      if (call.place.kind !== 'offered' || !call.place.to.has(terminal)) return refuse('answer-without-offer');
      tell(() => core.control.ringing({ number: call.number, callId: call.callId, terminal: terminal.key }));
      return;
    }
    case 'bye': {
      const call = callOf(state, terminal, callId);
      if (call === undefined) {
        // Both ends hung up at once, or a Pipe with nothing to end: nothing to do.
        if (terminal.kind === 'pipe' || terminal.ended.includes(callId)) return;
        return refuse('unknown-call');
      }
      return bye(core, state, terminal, call, refuse);
    }
    case 'to-phone': {
      const call = callOf(state, terminal, callId);
      if (call?.place.kind !== 'terminal' || call.place.owner !== terminal || call.place.grace !== undefined)
        return refuse('not-in-call');
      if (call.place.phase !== 'active' || call.puller !== undefined) return refuse('offer-race');
      return push(core, state, terminal, call);
    }
  }
}

/** The call a message is about: MultiPipe by `call_id`; Pipe its one call (in it, offered it, or pulling it). */
function callOf(state: NumberState, terminal: Terminal, callId: string): HubCall | undefined {
  if (terminal.kind === 'multi-pipe') return state.calls.get(callId);
  for (const call of state.calls.values()) if (involves(call, terminal)) return call;
  return undefined;
}

/** An Offer with a callee: an MO call of the number (a Pipe's gets an id of its own). */
function placeCall(
  core: HubCore,
  state: NumberState,
  terminal: Terminal,
  requestedId: string,
  callee: string,
  sdp: string,
  refuse: Refuse,
): void {
  if (terminal.kind === 'pipe' && isBusy(state, terminal)) return refuse('busy');
  const callId = terminal.kind === 'pipe' ? core.newCallId() : requestedId;
  if (state.calls.has(callId)) return refuse('offer-race');
  if (terminalCallCount(state) >= core.limits.callsPerNumber) return refuse('call-limit');
  const call: HubCall = {
    callId,
    number: terminal.number,
    remote: callee,
    place: { kind: 'terminal', owner: terminal, phase: 'outgoing', awaitingAnswer: false, grace: undefined },
    puller: undefined,
    announced: new Set(),
  };
  state.calls.set(callId, call);
  core.announce(state, call);
  const place = call.place;
  settle(
    () => core.control.startOutgoing({ number: call.number, callId, terminal: terminal.key, callee, sdp }),
    (outcome: SdpOutcome) => {
      if (call.place !== place || place.kind !== 'terminal' || place.phase !== 'outgoing') return;
      if (!outcome.ok) return core.end(state, call);
      place.phase = 'active';
      if (terminal.stream !== undefined) return core.send(terminal, outbound.answer(callId, outcome.sdp));
      // The stream dropped while the call was being set up: it had no media yet, nothing to keep.
      core.hangup(call, terminal, 'stream-lost');
      core.end(state, call);
    },
  );
}

/** An Offer without a callee: take a call onto this terminal (a pull, or asking back for its own after a reattach). */
function pull(
  core: HubCore,
  state: NumberState,
  terminal: Terminal,
  callId: string,
  sdp: string,
  refuse: Refuse,
): void {
  const call = terminal.kind === 'multi-pipe' ? state.calls.get(callId) : pipePullTarget(state, terminal);
  if (call === undefined) return refuse(terminal.kind === 'multi-pipe' ? 'unknown-call' : 'not-in-call');
  if (call.place.kind === 'offered' || call.puller !== undefined) return refuse('offer-race');
  const place = call.place;
  const own = place.kind === 'terminal' && place.owner === terminal;
  if (place.kind === 'terminal' && (place.phase !== 'active' || (own && place.grace === undefined)))
    return refuse('offer-race');
  if (!own && terminal.kind === 'pipe' && isBusy(state, terminal)) return refuse('busy');
  if (!own && terminalCallCount(state) >= core.limits.callsPerNumber && place.kind === 'phone')
    return refuse('call-limit');
  if (own) {
    place.grace?.cancel();
    place.grace = undefined;
  }
  call.puller = terminal;
  settle(
    () => core.control.pullToTerminal({ number: call.number, callId: call.callId, terminal: terminal.key, sdp }),
    (outcome: SdpOutcome) => {
      if (call.puller !== terminal || state.calls.get(call.callId) !== call) return;
      call.puller = undefined;
      if (!outcome.ok) {
        core.send(terminal, outbound.bye(call.callId));
        // A reattach that the core could not complete: the call had no media left, it ends.
        if (own && call.place === place) core.end(state, call);
        core.sweep(state);
        return;
      }
      const before = call.place;
      call.place = { kind: 'terminal', owner: terminal, phase: 'active', awaitingAnswer: false, grace: undefined };
      call.announced.delete(terminal);
      if (before.kind === 'terminal' && before.owner !== terminal) {
        before.grace?.cancel();
        rememberEnded(before.owner, call.callId);
        core.send(before.owner, outbound.bye(call.callId));
        core.announce(state, call);
        core.sweep(state);
      }
      if (terminal.stream === undefined) return loseCall(core, state, terminal, call);
      core.send(terminal, outbound.answer(call.callId, outcome.sdp));
    },
  );
}

/** The terminal's Answer: to a remote renegotiation, or to an incoming offer (first answer wins). */
function answer(
  core: HubCore,
  state: NumberState,
  terminal: Terminal,
  call: HubCall,
  sdp: string,
  refuse: Refuse,
): void {
  const place = call.place;
  if (place.kind === 'terminal' && place.owner === terminal && place.awaitingAnswer) {
    place.awaitingAnswer = false;
    tell(() =>
      core.control.answerRenegotiation({ number: call.number, callId: call.callId, terminal: terminal.key, sdp }),
    );
    return;
  }
  if (place.kind !== 'offered' || !place.to.has(terminal)) return refuse('answer-without-offer');
  // Its own answer is already with the core: the offer is answered, not pending. (Taking this for
  // another terminal's answer would send it Bye on the call it is about to be in.)
  if (place.answering === terminal) return refuse('answer-without-offer');
  if (place.answering !== undefined) {
    // Another terminal's answer is already with the core: first answer wins.
    place.to.delete(terminal);
    rememberEnded(terminal, call.callId);
    core.send(terminal, outbound.bye(call.callId));
    return;
  }
  place.answering = terminal;
  settle(
    () => core.control.answerIncoming({ number: call.number, callId: call.callId, terminal: terminal.key, sdp }),
    (outcome: CallOutcome) => {
      if (call.place !== place || place.answering !== terminal) return;
      place.answering = undefined;
      if (!outcome.ok) {
        place.to.delete(terminal);
        rememberEnded(terminal, call.callId);
        core.send(terminal, outbound.bye(call.callId));
        if (place.to.size === 0) core.end(state, call);
        else core.sweep(state);
        return;
      }
      for (const other of place.to) if (other !== terminal) core.send(other, outbound.bye(call.callId));
      call.place = { kind: 'terminal', owner: terminal, phase: 'active', awaitingAnswer: false, grace: undefined };
      core.announce(state, call);
      if (terminal.stream === undefined) loseCall(core, state, terminal, call);
    },
  );
}

/** The terminal's Bye: declines an offer, or ends the call it is in. */
function bye(core: HubCore, state: NumberState, terminal: Terminal, call: HubCall, refuse: Refuse): void {
  const place = call.place;
  if (place.kind === 'offered' && place.to.has(terminal)) {
    place.to.delete(terminal);
    if (place.answering === terminal) place.answering = undefined;
    rememberEnded(terminal, call.callId);
    core.hangup(call, terminal, 'bye');
    if (place.to.size === 0) core.forget(state, call);
    return;
  }
  if (place.kind === 'terminal' && place.owner === terminal) {
    core.hangup(call, terminal, 'bye');
    core.end(state, call, terminal);
    return;
  }
  // A Bye on a call the terminal only observes or is pulling: the call is not its to end.
  refuse(call.puller === terminal ? 'offer-race' : 'not-in-call');
}

/** `Action{toPhone}`: the call moves to the phone; the terminal is then told `InCall` like any observer. */
function push(core: HubCore, state: NumberState, terminal: Terminal, call: HubCall): void {
  const place = call.place;
  if (place.kind !== 'terminal') return;
  place.phase = 'pushing';
  settle(
    () => core.control.pushToPhone({ number: call.number, callId: call.callId, terminal: terminal.key }),
    (outcome: CallOutcome) => {
      if (call.place !== place || state.calls.get(call.callId) !== call) return;
      if (!outcome.ok) {
        place.phase = 'active';
        core.send(terminal, outbound.error(call.callId, 'TRY_AGAIN'));
        return;
      }
      call.place = { kind: 'phone' };
      core.announce(state, call);
    },
  );
}

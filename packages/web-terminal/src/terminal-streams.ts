import type { HubCore } from './hub-core.js';
import { holdsCall, type HubCall, type NumberState, type Terminal } from './hub-state.js';
import { outbound } from './outbound-messages.js';
import type { AttachRequest } from './terminal-attachment.js';

/*
 * A terminal's stream from attach to drop: the greeting a Pipe gets, the
 * takeover by a newer attach of the same identity, the reattach to held
 * calls, and what a drop does to each call (an offer declined, a call being
 * set up ended, an established call held for the reattach grace or ended).
 * Internal to the package.
 */

/** The outcome of {@link attachTerminal}. */
export type TerminalAttachOutcome =
  | { readonly ok: true; readonly terminal: Terminal }
  | { readonly ok: false; readonly reason: 'too-many-terminals' };

/**
 * Attaches the terminal known by `key`: a new one is greeted (a Pipe with
 * `InCall` or `Idle`), one coming back is told `InCall` for each call held
 * for it. A terminal of the key still attached is dropped first (its calls
 * held) and its stream closed.
 */
export function attachTerminal(core: HubCore, request: AttachRequest, key: string): TerminalAttachOutcome {
  const state = core.stateOf(request.number);
  let terminal = state.terminals.get(key);
  if (terminal?.stream !== undefined) {
    const old = terminal.stream;
    dropTerminal(core, terminal);
    old.close('replaced by a newer attach of the same terminal');
    terminal = state.terminals.get(key);
  }
  const attached = [...state.terminals.values()].filter((t) => t.stream !== undefined).length;
  if (attached >= core.limits.terminalsPerNumber) {
    core.forgetIfEmpty(request.number);
    return { ok: false, reason: 'too-many-terminals' };
  }
  if (terminal === undefined) {
    terminal = {
      key,
      number: request.number,
      kind: request.kind,
      identity: request.identity,
      stream: request.stream,
      ended: [],
    };
    state.terminals.set(key, terminal);
    if (terminal.kind === 'pipe') greetPipe(core, state, terminal);
  } else {
    terminal.stream = request.stream;
    for (const call of state.calls.values()) {
      if (call.place.kind === 'terminal' && call.place.owner === terminal) {
        core.send(terminal, outbound.inCall(call.callId, call.remote));
      }
    }
  }
  return { ok: true, terminal };
}

/** The terminal's stream is gone: each of its calls is declined, ended or lost (see {@link loseCall}). */
export function dropTerminal(core: HubCore, terminal: Terminal): void {
  const state = core.stateOf(terminal.number);
  terminal.stream = undefined;
  for (const call of [...state.calls.values()]) {
    const place = call.place;
    call.announced.delete(terminal);
    if (place.kind === 'offered' && place.to.has(terminal)) {
      // An answer with the core is left to settle: if it wins, the call is lost or held like any other.
      if (place.answering === terminal) continue;
      place.to.delete(terminal);
      core.hangup(call, terminal, 'stream-lost');
      if (place.to.size === 0) core.forget(state, call);
    } else if (place.kind === 'terminal' && place.owner === terminal) {
      if (place.phase === 'outgoing') {
        core.hangup(call, terminal, 'stream-lost');
        core.end(state, call, terminal);
      } else {
        loseCall(core, state, terminal, call);
      }
    }
  }
  if (!holdsCall(state, terminal)) state.terminals.delete(terminal.key);
  core.forgetIfEmpty(terminal.number);
}

/** A call whose terminal has no stream: held for the grace when the terminal has an identity, else ended. */
export function loseCall(core: HubCore, state: NumberState, terminal: Terminal, call: HubCall): void {
  const place = call.place;
  if (place.kind !== 'terminal') return;
  place.awaitingAnswer = false;
  if (terminal.identity === undefined) {
    core.hangup(call, terminal, 'stream-lost');
    core.end(state, call, terminal);
    return;
  }
  place.grace?.cancel();
  place.grace = core.clock.setTimer(core.graceMs, () => {
    if (call.place !== place || state.calls.get(call.callId) !== call) return;
    place.grace = undefined;
    core.hangup(call, terminal, 'stream-lost');
    core.end(state, call);
  });
}

/** A new Pipe is told at once the number's most recent call elsewhere (`InCall`), or `Idle`. */
function greetPipe(core: HubCore, state: NumberState, terminal: Terminal): void {
  let latest: HubCall | undefined;
  for (const call of state.calls.values()) if (call.place.kind !== 'offered') latest = call;
  if (latest === undefined) return core.send(terminal, { idle: {} });
  latest.announced.add(terminal);
  core.send(terminal, outbound.inCall(latest.callId, latest.remote));
}

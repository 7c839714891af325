import { randomUUID } from 'node:crypto';
import type { Clock } from '@sipbreakout/sip-core/clock';
import { callEnded, callOnPhone, offerIncoming, remoteOffer, remoteRinging } from './core-events.js';
import { HubCore } from './hub-core.js';
import type { AttachOutcome, AttachRequest } from './terminal-attachment.js';
import type { TerminalCallControl, TerminalCallEvents } from './terminal-call-control.js';
import {
  DEFAULT_TERMINAL_LIMITS,
  type TerminalLimits,
  type TerminalRefusal,
  type TerminalRefusalReason,
} from './terminal-limits.js';
import { receiveTerminalMessage } from './terminal-messages.js';
import { attachTerminal, dropTerminal } from './terminal-streams.js';

/** How to build a {@link TerminalHub}. */
export interface TerminalHubOptions {
  /** Timers of the reattach grace and the rate window. */
  readonly clock: Clock;
  /** The calls. */
  readonly control: TerminalCallControl;
  /** Per-number limits (each defaults as {@link DEFAULT_TERMINAL_LIMITS}). */
  readonly limits?: Partial<TerminalLimits> | undefined;
  /** How long a call of a dropped terminal with an identity waits for it to come back (default 10 000 ms). */
  readonly reattachGraceMs?: number | undefined;
  /** Ids of calls a Pipe places (default `crypto.randomUUID`). */
  readonly newCallId?: (() => string) | undefined;
  /** Told of every refused message. */
  readonly onRefusal?: ((refusal: TerminalRefusal) => void) | undefined;
}

/** Counts, for metrics. */
export interface TerminalHubStats {
  /** Streams attached now. */
  readonly attached: number;
  /** Terminals gone with calls held for their reattach. */
  readonly held: number;
  /** Calls with a terminal in them or offered to them, or observed on the phone. */
  readonly calls: number;
  /** Refused messages since start, by reason. */
  readonly refusals: Readonly<Record<TerminalRefusalReason, number>>;
}

/**
 * The terminals attached to each number and the calls they take part in:
 * the Web Terminal protocol (Pipe and MultiPipe semantics, observing,
 * validation of every inbound message, per-number limits, reattach) over
 * the {@link TerminalCallControl} port. No gRPC: the binding feeds it.
 */
export class TerminalHub implements TerminalCallEvents {
  readonly #core: HubCore;
  #anonymous = 0;

  constructor(options: TerminalHubOptions) {
    this.#core = new HubCore({
      clock: options.clock,
      control: options.control,
      limits: { ...DEFAULT_TERMINAL_LIMITS, ...options.limits },
      graceMs: options.reattachGraceMs ?? 10_000,
      newCallId: options.newCallId ?? randomUUID,
      onRefusal: options.onRefusal,
    });
  }

  /** Counts, for metrics. */
  stats(): TerminalHubStats {
    let attached = 0;
    let held = 0;
    let calls = 0;
    for (const state of this.#core.states()) {
      calls += state.calls.size;
      for (const terminal of state.terminals.values()) {
        if (terminal.stream !== undefined) attached++;
        else held++;
      }
    }
    return { attached, held, calls, refusals: this.#core.refusalCounts() };
  }

  /**
   * Attaches a terminal. A Pipe is told at once `InCall` (the number's most
   * recent call elsewhere) or `Idle`; a MultiPipe is told nothing. A
   * terminal coming back under an identity whose calls are held is told
   * `InCall` for each of them (and nothing else), and asks for one with an
   * `Offer` on its `call_id`. A second attach of an identity that is still
   * attached takes over: the older stream is closed and its calls held.
   */
  attach(request: AttachRequest): AttachOutcome {
    const core = this.#core;
    const key =
      request.identity === undefined ? `anonymous-${++this.#anonymous}` : `${request.kind}:${request.identity}`;
    const outcome = attachTerminal(core, request, key);
    if (!outcome.ok) return outcome;
    const terminal = outcome.terminal;
    let gone = false;
    return {
      ok: true,
      terminal: {
        key,
        receive: (message) => {
          // A stream taken over by a newer attach of the same terminal speaks for it no more.
          if (gone || terminal.stream !== request.stream) return;
          try {
            receiveTerminalMessage(core, terminal, message);
          } catch {
            // A defect here must not end the stream: the message is answered as not understood.
            core.refuse(terminal, 'bad-message', typeof message.callId === 'string' ? message.callId : '');
          }
        },
        detach: () => {
          if (gone) return;
          gone = true;
          if (terminal.stream === request.stream) dropTerminal(core, terminal);
        },
      },
    };
  }

  // ----- events from the core (TerminalCallEvents) -----

  /** See {@link TerminalCallEvents.offerIncoming}. */
  offerIncoming(request: { number: string; callId: string; caller: string; sdp: string }): readonly string[] {
    return offerIncoming(this.#core, request);
  }

  /** See {@link TerminalCallEvents.remoteRinging}. */
  remoteRinging(request: { number: string; callId: string }): void {
    remoteRinging(this.#core, request);
  }

  /** See {@link TerminalCallEvents.remoteOffer}. */
  remoteOffer(request: { number: string; callId: string; sdp: string }): boolean {
    return remoteOffer(this.#core, request);
  }

  /** See {@link TerminalCallEvents.callOnPhone}. */
  callOnPhone(request: { number: string; callId: string; remote: string }): void {
    callOnPhone(this.#core, request);
  }

  /** See {@link TerminalCallEvents.callEnded}. */
  callEnded(request: { number: string; callId: string }): void {
    callEnded(this.#core, request);
  }
}

import type {
  CallOutcome,
  SdpOutcome,
  TerminalCallControl,
  TerminalCallRef,
  WebTerminalMessage,
  TerminalStream,
} from '../../src/index.js';

/** A request the hub made, with the means to settle it. */
export interface ControlRequest {
  readonly method: keyof TerminalCallControl;
  readonly request: TerminalCallRef & { readonly [field: string]: unknown };
  resolve(outcome: SdpOutcome | CallOutcome): void;
}

/**
 * A test double of the call-control port: records every request; promises
 * stay pending until the test settles them, or settle at once with the
 * `auto` answers.
 */
export class FakeCallControl implements TerminalCallControl {
  readonly requests: ControlRequest[] = [];
  /** When set, `startOutgoing`/`pullToTerminal` resolve at once with this. */
  autoSdp: SdpOutcome | undefined;

  #record<T extends SdpOutcome | CallOutcome>(
    method: keyof TerminalCallControl,
    request: TerminalCallRef & object,
    auto?: T,
  ): Promise<T> {
    return new Promise<T>((resolve) => {
      this.requests.push({ method, request: { ...request }, resolve: (outcome) => resolve(outcome as T) });
      if (auto !== undefined) resolve(auto);
    });
  }

  startOutgoing(request: TerminalCallRef & { callee: string; sdp: string }): Promise<SdpOutcome> {
    return this.#record('startOutgoing', request, this.autoSdp);
  }
  ringing(request: TerminalCallRef): void {
    void this.#record('ringing', request);
  }
  answerIncoming(request: TerminalCallRef & { sdp: string }): Promise<CallOutcome> {
    return this.#record('answerIncoming', request);
  }
  hangup(request: TerminalCallRef & { cause: 'bye' | 'stream-lost' }): void {
    void this.#record('hangup', request);
  }
  pullToTerminal(request: TerminalCallRef & { sdp: string }): Promise<SdpOutcome> {
    return this.#record('pullToTerminal', request, this.autoSdp);
  }
  pushToPhone(request: TerminalCallRef): Promise<CallOutcome> {
    return this.#record('pushToPhone', request);
  }
  answerRenegotiation(request: TerminalCallRef & { sdp: string }): void {
    void this.#record('answerRenegotiation', request);
  }

  /** The last request of `method` (throws when there is none). */
  last(method: keyof TerminalCallControl): ControlRequest {
    const found = this.requests.filter((r) => r.method === method).at(-1);
    if (found === undefined) throw new Error(`no ${method} request`);
    return found;
  }

  /** The methods requested, in order. */
  methods(): string[] {
    return this.requests.map((r) => r.method);
  }
}

/** A stream that keeps what the hub sends. */
export class RecordingStream implements TerminalStream {
  readonly sent: WebTerminalMessage[] = [];
  closed: string | undefined;
  send(message: WebTerminalMessage): void {
    this.sent.push(message);
  }
  close(reason: string): void {
    this.closed = reason;
  }
  /** Takes (and forgets) what was sent since the last take, as `kind:callId` strings. */
  take(): string[] {
    const out = this.sent.splice(0).map((m) => {
      const kind = Object.keys(m).find((k) => k !== 'callId') ?? '?';
      return `${kind}:${m.callId ?? ''}`;
    });
    return out;
  }
  /** Takes (and forgets) the messages themselves. */
  takeMessages(): WebTerminalMessage[] {
    return this.sent.splice(0);
  }
}

/** Lets promise callbacks run. */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

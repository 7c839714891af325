/**
 * A test double of the Web Terminal's call-control port: it records every
 * request the hub makes and leaves it pending until the test settles it, so
 * a test can wait for "the page placed a call" and answer it as it likes.
 */
import type { CallOutcome, SdpOutcome, TerminalCallControl, TerminalCallRef } from '@sipbreakout/web-terminal';

/** A request of the hub, with the means to settle it. */
export interface ControlRequest {
  readonly method: keyof TerminalCallControl;
  readonly request: TerminalCallRef & { readonly callee?: string; readonly sdp?: string; readonly cause?: string };
  resolve(outcome: SdpOutcome | CallOutcome): void;
}

/** Records the hub's requests; `waitFor` waits for the next one of a method. */
export class ScriptedCallControl implements TerminalCallControl {
  readonly requests: ControlRequest[] = [];
  #taken = new Set<ControlRequest>();

  #record<T extends SdpOutcome | CallOutcome | undefined>(
    method: keyof TerminalCallControl,
    request: ControlRequest['request'],
  ): Promise<T> {
    return new Promise<T>((resolve) => {
      this.requests.push({ method, request: { ...request }, resolve: (outcome) => resolve(outcome as T) });
    });
  }

  startOutgoing(request: TerminalCallRef & { callee: string; sdp: string }): Promise<SdpOutcome> {
    return this.#record('startOutgoing', request);
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
    return this.#record('pullToTerminal', request);
  }
  pushToPhone(request: TerminalCallRef): Promise<CallOutcome> {
    return this.#record('pushToPhone', request);
  }
  answerRenegotiation(request: TerminalCallRef & { sdp: string }): void {
    void this.#record('answerRenegotiation', request);
  }

  /** Waits for the first request of `method` not taken yet, and takes it. */
  async waitFor(method: keyof TerminalCallControl, timeoutMs = 15_000): Promise<ControlRequest> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.requests.find((r) => r.method === method && !this.#taken.has(r));
      if (found !== undefined) {
        this.#taken.add(found);
        return found;
      }
      if (Date.now() > deadline)
        throw new Error(
          `no ${method} request in ${timeoutMs} ms; requests: ${this.requests.map((r) => r.method).join(', ')}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

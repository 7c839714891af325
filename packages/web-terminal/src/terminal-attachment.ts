import type { WebTerminalMessage } from './messages.js';

/** `Pipe` (one call, `call_id` ignored) or `MultiPipe` (many calls, `call_id` a UUID). */
export type PipeKind = 'pipe' | 'multi-pipe';

/** Where the hub sends a terminal's messages. */
export interface TerminalStream {
  /** Sends one message; must not throw. */
  send(message: WebTerminalMessage): void;
  /** Ends the stream from the server's side (a newer attach of the same identity took over). */
  close(reason: string): void;
}

/** A terminal asking to attach. */
export interface AttachRequest {
  /** The number it attaches to (E.164), already authorised. */
  readonly number: string;
  readonly kind: PipeKind;
  /**
   * Who the terminal is across reconnects (the binding derives it from the
   * token's client and the `wg2-terminal-id` metadata). Without one the
   * terminal cannot reattach: its calls end when its stream does.
   */
  readonly identity?: string | undefined;
  readonly stream: TerminalStream;
}

/** An attached terminal, as the binding holds it. */
export interface TerminalAttachment {
  /** The terminal's key in the port's requests: stable across a reattach of the same identity and kind. */
  readonly key: string;
  /** A message from the terminal. Never throws. */
  receive(message: WebTerminalMessage): void;
  /** The stream ended (any reason). Idempotent. */
  detach(): void;
}

/** The outcome of {@link TerminalHub.attach}. */
export type AttachOutcome =
  | { readonly ok: true; readonly terminal: TerminalAttachment }
  | { readonly ok: false; readonly reason: 'too-many-terminals' };

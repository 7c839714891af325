/**
 * The JSON messages of the page's WebSocket, shared (as types only) by the
 * server and the page. One WebSocket text message is one JSON object.
 *
 * Web Terminal messages mirror `wgtwo.webterminal.v0.WebTerminalMessage` in
 * proto3's JSON mapping (lowerCamelCase names): exactly one member of its
 * `message` oneof, and `callId`. The bridge's own news about the stream
 * travels in a `bridge` member, which the proto does not have, so the two
 * never mix.
 */

/** `wgtwo.common.v0.PhoneNumber`. */
export interface PagePhoneNumber {
  readonly e164: string;
}

/** What the page may send: one terminal-side member of the oneof, and the call it is about. */
export type PageToBridge =
  | { readonly offer: { readonly sdp: string; readonly msisdn?: PagePhoneNumber }; readonly callId?: string }
  | { readonly answer: { readonly sdp: string }; readonly callId?: string }
  | { readonly ringing: Record<string, never>; readonly callId?: string }
  | { readonly bye: Record<string, never>; readonly callId?: string }
  | { readonly action: { readonly toPhone: Record<string, never> }; readonly callId?: string };

/** The `Error.Code` names of `wgtwo.webterminal.v0`. */
export type PageErrorCode = 'UNKNOWN' | 'NOT_INCALL' | 'TRY_AGAIN' | 'INVALID_CALL_ID' | 'RATE_LIMIT_HIT';

/** What the core sends, relayed: one member of the oneof and `callId` (empty on a Pipe's first `idle`). */
export type CoreToPage =
  | { readonly offer: { readonly sdp: string; readonly msisdn?: PagePhoneNumber }; readonly callId: string }
  | { readonly answer: { readonly sdp: string }; readonly callId: string }
  | { readonly ringing: Record<string, never>; readonly callId: string }
  | { readonly bye: Record<string, never>; readonly callId: string }
  | { readonly idle: Record<string, never>; readonly callId: string }
  | { readonly inCall: { readonly msisdn?: PagePhoneNumber }; readonly callId: string }
  | { readonly error: { readonly err: PageErrorCode }; readonly callId: string };

/** Which ICE candidates the page passes on in the SDP it sends. */
export type CandidatePolicy = 'loopback' | 'all';

/** The bridge's news about its stream, and its answers to input it refused. */
export type BridgeEvent =
  | {
      /** The stream to the core is open (again). */
      readonly event: 'attached';
      /** The number the terminal is attached to. */
      readonly number: string;
      readonly method: 'Pipe' | 'MultiPipe';
      /** The terminal identity (`wg2-terminal-id`) the bridge attaches with. */
      readonly terminalId: string;
      /** Whether this is a reattach after the stream dropped. */
      readonly reattached: boolean;
      readonly candidates: CandidatePolicy;
    }
  | {
      /** The stream dropped or could not open; the bridge tries again in `retryInMs`. */
      readonly event: 'detached';
      readonly reason: string;
      readonly retryInMs: number;
    }
  | {
      /** The core refused the terminal for good (token, scope, number): no retry; the WebSocket closes. */
      readonly event: 'refused';
      readonly reason: string;
    }
  | {
      /** The page's message was not relayed (malformed, or no stream to relay it on); `reason` says why. */
      readonly event: 'rejected';
      readonly reason: string;
    };

/** What the bridge sends the page. */
export type BridgeToPage = CoreToPage | { readonly bridge: BridgeEvent };

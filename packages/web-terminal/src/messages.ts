/**
 * The messages of `wgtwo.webterminal.v0` as TypeScript types, as
 * `@grpc/proto-loader` gives and takes them with the options of
 * `PROTO_LOADER_OPTIONS` (lowerCamelCase fields, enums by value name,
 * `oneofs: true`: the virtual `message` field names the member that is set).
 * Every field is optional: a peer may omit any of them.
 */

/** `wgtwo.common.v0.PhoneNumber`. */
export interface PhoneNumber {
  /** `+4799990000`. */
  e164?: string;
}

/** `wgtwo.webterminal.v0.Offer`: a new call (with `msisdn`), a pull, a reattach or a renegotiation. */
export interface Offer {
  /** Field 1. */
  sdp?: string;
  /** Field 2: the other party of a new call (callee outgoing, caller incoming). */
  msisdn?: PhoneNumber | null;
}

/** `wgtwo.webterminal.v0.Answer`. */
export interface Answer {
  /** Field 1. */
  sdp?: string;
}

/** `wgtwo.webterminal.v0.Ringing` (no fields). */
export type Ringing = Record<string, never>;
/** `wgtwo.webterminal.v0.Bye` (no fields). */
export type Bye = Record<string, never>;
/** `wgtwo.webterminal.v0.Idle` (no fields). */
export type Idle = Record<string, never>;
/** `wgtwo.webterminal.v0.ToPhone` (no fields). */
export type ToPhone = Record<string, never>;

/** `wgtwo.webterminal.v0.InCall`. */
export interface InCall {
  /** Field 1: the other party of the call the number is in. */
  msisdn?: PhoneNumber | null;
}

/** `wgtwo.webterminal.v0.Error.Code`, by value name. */
export type ErrorCodeName = 'UNKNOWN' | 'NOT_INCALL' | 'TRY_AGAIN' | 'INVALID_CALL_ID' | 'RATE_LIMIT_HIT';

/** The numbers of {@link ErrorCodeName}, as on the wire. */
export const ERROR_CODE_NUMBERS = {
  UNKNOWN: 0,
  NOT_INCALL: 1,
  TRY_AGAIN: 2,
  INVALID_CALL_ID: 3,
  RATE_LIMIT_HIT: 4,
} as const satisfies Record<ErrorCodeName, number>;

/** `wgtwo.webterminal.v0.Error`. */
export interface TerminalError {
  /** Field 1. */
  err?: ErrorCodeName;
}

/** `wgtwo.webterminal.v0.Action`. */
export interface Action {
  /** Field 1 (camelCase in the .proto as well). */
  toPhone?: ToPhone | null;
  /** Which member of the `message` oneof is set (proto-loader's `oneofs: true`). */
  message?: 'toPhone';
}

/** The members of `WebTerminalMessage`'s `message` oneof. */
export type WebTerminalMessageKind = 'offer' | 'answer' | 'ringing' | 'bye' | 'idle' | 'inCall' | 'error' | 'action';

/** `wgtwo.webterminal.v0.WebTerminalMessage` (field 8 is reserved). */
export interface WebTerminalMessage {
  /** Field 1. */
  offer?: Offer | null;
  /** Field 2. */
  answer?: Answer | null;
  /** Field 3. */
  ringing?: Ringing | null;
  /** Field 4. */
  bye?: Bye | null;
  /** Field 5. */
  idle?: Idle | null;
  /** Field 6. */
  inCall?: InCall | null;
  /** Field 7. */
  error?: TerminalError | null;
  /** Field 9. */
  action?: Action | null;
  /** Field 10: the call the message is about (a UUID on MultiPipe). */
  callId?: string;
  /** Which member of the `message` oneof is set (proto-loader's `oneofs: true`); absent when none is. */
  message?: WebTerminalMessageKind;
}

/**
 * Which member of a received message's oneof is set: proto-loader's
 * `message` when present, else the first non-null member (a message built by
 * hand, as the hub's tests do).
 */
export function messageKind(message: WebTerminalMessage): WebTerminalMessageKind | undefined {
  if (message.message !== undefined) return message.message;
  const kinds: readonly WebTerminalMessageKind[] = [
    'offer',
    'answer',
    'ringing',
    'bye',
    'idle',
    'inCall',
    'error',
    'action',
  ];
  return kinds.find((kind) => message[kind] !== undefined && message[kind] !== null);
}

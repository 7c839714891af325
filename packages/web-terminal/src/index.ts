/**
 * @packageDocumentation
 * The `wgtwo.webterminal.v0.WebTerminalService` API: WebRTC soft-phones
 * (terminals) attached to a subscriber's number over gRPC bidirectional
 * streams. The .proto files and their complete descriptors, the message
 * types, the authorisation of a terminal, the {@link TerminalHub} (Pipe and
 * MultiPipe semantics, observing, validation, limits, reattach) over the
 * {@link TerminalCallControl} port the core implements, and the gRPC binding
 * served beside the breakout API.
 */
export {
  CALL_CONTROL_ANSWER_AND_INITIATE,
  PHONE_NUMBER_V0_PROTO,
  SCOPE_OPTION_PROTO,
  WEB_TERMINAL_METHOD_PATHS,
  WEB_TERMINAL_PROTO,
  WEB_TERMINAL_PROTO_DIR,
  WEB_TERMINAL_SCOPES,
  WEB_TERMINAL_SERVICE_NAME,
  type WebTerminalMethodName,
} from './proto-files.js';
export { loadWebTerminalPackage, type WebTerminalPackage } from './web-terminal-package.js';
export {
  ERROR_CODE_NUMBERS,
  messageKind,
  type Action,
  type Answer,
  type Bye,
  type ErrorCodeName,
  type Idle,
  type InCall,
  type Offer,
  type PhoneNumber,
  type Ringing,
  type TerminalError,
  type ToPhone,
  type WebTerminalMessage,
  type WebTerminalMessageKind,
} from './messages.js';
export type {
  CallOutcome,
  CallRef,
  SdpOutcome,
  TerminalCallControl,
  TerminalCallEvents,
  TerminalCallRef,
} from './terminal-call-control.js';
export {
  DEFAULT_TERMINAL_LIMITS,
  REFUSAL_CODES,
  TERMINAL_REFUSAL_REASONS,
  type TerminalLimits,
  type TerminalRefusal,
  type TerminalRefusalReason,
} from './terminal-limits.js';
export { TerminalHub, type TerminalHubOptions, type TerminalHubStats } from './terminal-hub.js';
export type {
  AttachOutcome,
  AttachRequest,
  PipeKind,
  TerminalAttachment,
  TerminalStream,
} from './terminal-attachment.js';
export { readTerminalMessage, type TerminalCommand } from './terminal-command.js';
export {
  MSISDN_METADATA,
  TERMINAL_ID_METADATA,
  authorizeTerminal,
  type TerminalAuthOptions,
  type TerminalAuthVerdict,
} from './terminal-auth.js';
export { webTerminalService, type WebTerminalServiceOptions } from './web-terminal-service.js';

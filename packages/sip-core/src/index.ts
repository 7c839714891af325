/**
 * @sipbreakout/sip-core — the SIP message layer: parsing, serializing,
 * URIs, typed headers and stream framing.
 * @packageDocumentation
 */
export { SIP_ERROR_CODES, SipError, isSipError } from './errors.js';
export type { PartialRequest, SipErrorCode, SipParseError } from './errors.js';
export { DEFAULT_PARSE_LIMITS } from './limits.js';
export type { ParseLimits } from './limits.js';
export { Params } from './params.js';
export type { HostKind } from './host.js';
export { isIPv4, isIPv6, isHostname } from './host.js';
export { parseUri, serializeUri, unescapeUriPart, isSipUri } from './uri.js';
export type { AbsoluteUri, SipUri, TelUri, Uri } from './uri.js';
export { canonicalHeaderName } from './header-names.js';
export { SipHeaders } from './headers.js';
export { SipMessageBase, SipRequest, SipResponse } from './message.js';
export type { SipMessage } from './message.js';
export { parseMessage } from './parse-message.js';
export type { ParseOptions, ParseResult } from './parse-message.js';
export { serializeMessage } from './serialize-message.js';
export type { SerializeOptions } from './serialize-message.js';
export { BRANCH_MAGIC_COOKIE, serializeVia } from './via.js';
export type { Via } from './via.js';
export { parseQValue, serializeContact, serializeNameAddress } from './name-address.js';
export type { AddressContact, Contact, FromTo, NameAddress, StarContact } from './name-address.js';
export { MAX_DELTA_SECONDS, serializeCSeq } from './scalar-headers.js';
export type { CSeq } from './scalar-headers.js';
export { serializeMediaType } from './content-type.js';
export type { MediaType } from './content-type.js';
export { serializeSessionId } from './session-id.js';
export type { SessionId } from './session-id.js';
export { serializeAuthValue } from './digest-params.js';
export type { Challenge, Credentials } from './digest-params.js';
export { quote, unquote } from './header-params.js';

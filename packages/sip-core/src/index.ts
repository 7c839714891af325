/**
 * @sipbreakout/sip-core — the SIP message layer: parsing, serializing,
 * URIs, typed headers and stream framing.
 * @packageDocumentation
 */
export { ERROR_BRAND, defineErrorFamily } from './error-kit.js';
export type {
  ErrorCodeOf,
  ErrorFamily,
  ErrorKitOptions,
  ErrorSpec,
  ErrorTable,
  ErrorValue,
  KitError,
  KitErrorClass,
} from './error-kit.js';
export { SIP_ERROR_CODES, SipError, isSipError } from './errors.js';
export type { PartialRequest, SipErrorCode, SipParseError } from './errors.js';
export { DEFAULT_PARSE_LIMITS } from './limits.js';
export type { ParseLimits } from './limits.js';
export { Params } from './params.js';
export type { HostKind } from './host.js';
export { isIPv4, isIPv6, isHostname } from './host.js';
export { parseUri, serializeUri, unescapeUriPart, isSipUri } from './uri.js';
export type { AbsoluteUri, SipUri, TelUri, Uri } from './uri.js';
export { sipUriEquals, uriEquals } from './uri-equality.js';
export { canonicalHeaderName } from './header-names.js';
export { SipHeaders } from './headers.js';
export { SipMessageBase, SipRequest, SipResponse } from './message.js';
export type { SipMessage } from './message.js';
export { parseMessage } from './parse-message.js';
export type { ParseOptions } from './parse-message.js';
export type { ParseResult } from './parse-result.js';
export { serializeMessage } from './serialize-message.js';
export type { SerializeOptions } from './serialize-message.js';
export { BRANCH_MAGIC_COOKIE, serializeVia } from './via.js';
export type { Via } from './via.js';
export { parseNameAddressList, parseQValue, serializeContact, serializeNameAddress } from './name-address.js';
export type { AddressContact, Contact, FromTo, NameAddress, StarContact } from './name-address.js';
export { MAX_DELTA_SECONDS, serializeCSeq } from './scalar-headers.js';
export type { CSeq } from './scalar-headers.js';
export { serializeMediaType } from './content-type.js';
export type { MediaType } from './content-type.js';
export { NULL_SESSION_UUID, createSessionUuid, serializeSessionId } from './session-id.js';
export type { SessionId } from './session-id.js';
export { serializeAuthValue } from './digest-params.js';
export type { Challenge, Credentials } from './digest-params.js';
export { quote, unquote } from './header-params.js';
export { StreamFramer } from './stream-framer.js';
export type { FramerEvent, StreamFramerOptions } from './stream-framer.js';
export { ManualClock, SystemClock } from './clock.js';
export type { Clock, ClockTimer, ManualClockOptions } from './clock.js';
export { TRANSACTION_ERROR_CODES, TransactionError, isTransactionError } from './transaction/transaction-error.js';
export type { TransactionErrorCode } from './transaction/transaction-error.js';
export { DEFAULT_TIMER_VALUES, resolveTimerValues } from './transaction/timers.js';
export type { Deadlines, TimerName, TimerValues } from './transaction/timers.js';
export type { CommonEvent, Step, TransactionAction } from './transaction/actions.js';
export { startInviteClient, stepInviteClient } from './transaction/invite-client-transaction.js';
export type {
  InviteClientEvent,
  InviteClientState,
  InviteClientStateName,
} from './transaction/invite-client-transaction.js';
export { startNonInviteClient, stepNonInviteClient } from './transaction/non-invite-client-transaction.js';
export type {
  NonInviteClientEvent,
  NonInviteClientState,
  NonInviteClientStateName,
} from './transaction/non-invite-client-transaction.js';
export { startInviteServer, stepInviteServer } from './transaction/invite-server-transaction.js';
export type {
  InviteServerEvent,
  InviteServerState,
  InviteServerStateName,
} from './transaction/invite-server-transaction.js';
export { startNonInviteServer, stepNonInviteServer } from './transaction/non-invite-server-transaction.js';
export type {
  NonInviteServerEvent,
  NonInviteServerState,
  NonInviteServerStateName,
} from './transaction/non-invite-server-transaction.js';
export { clientKeyOf, hasMagicCookie, serverKeyOf } from './transaction/transaction-key.js';
export {
  createBranch,
  createCancel,
  createNonSuccessAck,
  createResponse,
  createTag,
  reasonPhrase,
} from './transaction/transaction-messages.js';
export type { CreateResponseOptions } from './transaction/transaction-messages.js';
export { TransactionLayer } from './transaction/transaction-layer.js';
export type {
  SendRequestOptions,
  TransactionLayerOptions,
  TransactionLimits,
} from './transaction/transaction-layer.js';
export type { TransactionTransport } from './transport/transaction-transport.js';
export type {
  ClientTransaction,
  ClientTransactionEvent,
  ServerTransaction,
  ServerTransactionEvent,
  TransactionUser,
} from './transaction/transaction-handles.js';
export { defaultPort, isReliableProtocol } from './transport/transport.js';
export type {
  ConnectionCloseReason,
  ConnectionRefusalReason,
  Destination,
  HostPort,
  MessageSource,
  TlsPeerIdentity,
  Transport,
  TransportEvent,
  TransportProtocol,
  TransportReceiver,
} from './transport/transport.js';
export { TRANSPORT_ERROR_CODES, TransportError, isTransportError } from './transport/transport-error.js';
export type { TransportErrorCode } from './transport/transport-error.js';
export { TransportLayer, responseDestination, stampReceived } from './transport/transport-layer.js';
export type {
  TransportLayerCounters,
  TransportLayerOptions,
  TransportLayerReceiver,
} from './transport/transport-layer.js';
export { MemoryNetwork, MemoryTransport } from './transport/memory-network.js';
export type { MemoryNetworkOptions, MemoryPacket, NetworkConditions } from './transport/memory-network.js';
export { ConnectionTable, DEFAULT_CONNECTION_LIMITS } from './transport/connection-table.js';
export type { Connection, ConnectionLimits } from './transport/connection-table.js';
export { UdpTransport } from './transport/udp-transport.js';
export type { UdpTransportOptions } from './transport/udp-transport.js';
export { SocketStreamTransport } from './transport/socket-stream-transport.js';
export type { StreamTransportOptions } from './transport/socket-stream-transport.js';
export { TcpTransport } from './transport/tcp-transport.js';
export type { TcpTransportOptions } from './transport/tcp-transport.js';
export { DEFAULT_HANDSHAKE_LIMITS, TlsTransport } from './transport/tls-transport.js';
export type { HandshakeLimits, TlsTransportOptions } from './transport/tls-transport.js';
export { TLS_ERROR_CODES, TlsError, isTlsError } from './tls/tls-error.js';
export type { TlsErrorCode } from './tls/tls-error.js';
export {
  matchesSipDomain,
  readCertificateIdentity,
  sipDomainIdentities,
  verifySipDomain,
} from './tls/sip-domain-identity.js';
export type { SipDomainMatchOptions } from './tls/sip-domain-identity.js';
export { DNS_ERROR_CODES, DnsError, isDnsError } from './dns/dns-error.js';
export type { DnsErrorCode } from './dns/dns-error.js';
export { orderSrvRecords } from './dns/srv-order.js';
export type { RandomSource, SrvRecord } from './dns/srv-order.js';
export { DnsCache } from './dns/dns-cache.js';
export { NodeDnsLookup } from './dns/dns-lookup.js';
export type { DnsAnswer, DnsLookup, NodeDnsLookupOptions } from './dns/dns-lookup.js';
export { ServerLocator } from './dns/server-locator.js';
export type { ServerLocatorOptions, ServerTarget } from './dns/server-locator.js';
export { isNextTargetError, tryTargets } from './dns/try-targets.js';
export type { TryTargetsOptions } from './dns/try-targets.js';
export { SIP_WEBSOCKET_PROTOCOL, WsTransport } from './transport/ws-transport.js';
export type { WsTransportOptions } from './transport/ws-transport.js';
export { DIALOG_ERROR_CODES, DialogError, isDialogError } from './dialog/dialog-error.js';
export type { DialogErrorCode } from './dialog/dialog-error.js';
export {
  acceptRemoteCSeq,
  confirmDialog,
  createUacDialog,
  createUasDialog,
  dialogKey,
  nextLocalSeq,
  refreshTarget,
  requestDialogKey,
  responseDialogKey,
  terminateDialog,
} from './dialog/dialog-state.js';
export type { DialogId, DialogRole, DialogState, DialogStateName, RemoteCSeqVerdict } from './dialog/dialog-state.js';
export { createInDialogRequest, createSuccessAck } from './dialog/in-dialog-request.js';
export type { InDialogRequest, InDialogRequestOptions } from './dialog/in-dialog-request.js';
export { startSuccessRetransmission, stepSuccessRetransmission } from './dialog/success-retransmission.js';
export {
  OPTION_100REL,
  initialRSeq,
  listsOptionTag,
  parseRAck,
  parseRSeq,
  reliableRSeq,
  serializeRAck,
  serializeRSeq,
  startReliableProvisional,
  stepReliableProvisional,
} from './dialog/reliable-provisional.js';
export type {
  RAck,
  ReliableProvisionalAction,
  ReliableProvisionalEvent,
  ReliableProvisionalState,
  ReliableProvisionalStateName,
  ReliableProvisionalStep,
} from './dialog/reliable-provisional.js';
export { sessionIdValue, withSessionId } from './dialog/session-uuids.js';
export type { SessionUuids } from './dialog/session-uuids.js';
export type {
  SuccessRetransmissionAction,
  SuccessRetransmissionEvent,
  SuccessRetransmissionState,
  SuccessRetransmissionStateName,
  SuccessRetransmissionStep,
} from './dialog/success-retransmission.js';
export { Dialog } from './dialog/dialog.js';
export { IncomingRequest } from './dialog/incoming-request.js';
export type { IncomingRequestResponder, ResponseOptions } from './dialog/incoming-request.js';
export type {
  DialogContext,
  DialogEvent,
  DialogRequestOptions,
  DialogTerminationCause,
} from './dialog/dialog-types.js';
export { ClientInvite } from './dialog/client-invite.js';
export type { ClientInviteEvent, ClientInviteOptions, ClientInviteStateName } from './dialog/client-invite.js';
export { ServerInvite } from './dialog/server-invite.js';
export type { ServerInviteEvent, ServerInviteResponseOptions, ServerInviteStateName } from './dialog/server-invite.js';
export { DEFAULT_TIMER_C, DIALOG_ALLOW, DialogLayer, resolveSipUri } from './dialog/dialog-layer.js';
export type { DialogLayerOptions, InviteOptions } from './dialog/dialog-layer.js';

/**
 * @packageDocumentation
 * The `wgtwo.sipbreakout.v1.SipBreakoutService` gRPC API: the .proto files,
 * complete descriptors for reflection, the server (bearer-token auth with
 * scopes, validation, mapping to the registrar, reflection, health,
 * keepalive, graceful drain) and a typed client.
 */
export {
  METHOD_PATHS,
  PHONE_NUMBER_PROTO,
  PROTO_DIR,
  SERVICE_NAME,
  SIP_BREAKOUT_PROTO,
  type MethodName,
} from './proto-files.js';
export {
  buildDescriptorSet,
  loadProtoRoot,
  type DescriptorSet,
  type ProtoSource,
  type FileDescriptor,
} from './descriptor-set.js';
export {
  PROTO_LOADER_OPTIONS,
  loadSipBreakoutPackage,
  reflectionPackageOf,
  type SipBreakoutPackage,
} from './package-definition.js';
export {
  ROUTE_TYPE_NUMBERS,
  STATUS_CODE_NUMBERS,
  type DeleteRegistrationRequest,
  type DeleteRegistrationResponse,
  type Duration,
  type E164,
  type Registration,
  type RouteTypeName,
  type StatusCodeName,
  type UpsertRegistrationRequest,
  type UpsertRegistrationResponse,
} from './messages.js';
export { API_ERROR_CODES, ApiError, isApiError, type ApiErrorCode } from './api-error.js';
export {
  API_REFUSALS,
  API_REFUSAL_CODES,
  SECURE_SIP_DOMAIN_REQUIRED,
  apiRefusal,
  isApiRefusalCode,
  type ApiRefusal,
  type ApiRefusalCode,
} from './api-refusal.js';
export {
  checkSipUri,
  readRegistration,
  refusalFromStoreError,
  routeTypeFromProto,
  routeTypeToProto,
  type ReadRegistrationResult,
  type RequestedRegistration,
} from './registration-mapping.js';
export {
  TokenVerifier,
  principalOf,
  type Principal,
  type TokenKeySource,
  type TokenVerdict,
  type TokenVerifierOptions,
} from './token-verifier.js';
export { CALL_ROUTING_WRITE, METHOD_SCOPES, scopesForPath } from './scopes.js';
export {
  allowAnyNumber,
  allowNoNumber,
  allowNumbersByPrefix,
  type ClientNumberPolicy,
} from './client-number-policy.js';
export { authenticate, type AuthVerdict } from './authenticate.js';
export {
  SipBreakoutService,
  type RegistrationRefused,
  type ServiceOutcome,
  type SipBreakoutServiceOptions,
} from './sip-breakout-service.js';
export { CLIENT_KEEPALIVE_OPTIONS, SERVER_KEEPALIVE_OPTIONS } from './keepalive.js';
export {
  startSipBreakoutServer,
  type AdditionalService,
  type SipBreakoutServer,
  type SipBreakoutServerOptions,
} from './grpc-server.js';
export {
  SipBreakoutClient,
  type SipBreakoutCallOptions,
  type SipBreakoutClientOptions,
} from './sip-breakout-client.js';

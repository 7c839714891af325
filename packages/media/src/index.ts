/**
 * @sipbreakout/media — the media relay: a client of rtpengine's ng control
 * protocol, the SDP profiles asked of it (WebRTC style toward a TAS, RTP/AVP
 * toward the mobile side), the SDP hooks of a B2BUA call, and SDP read and
 * written by `sdp-transform`.
 */
export { isMediaRelayError, MEDIA_RELAY_ERROR_CODES, MediaRelayError } from './media-relay-error.js';
export type { MediaRelayErrorCode } from './media-relay-error.js';
export { NG_MAX_DEPTH, parseNgValue, serializeNgValue } from './ng-bencode.js';
export type { NgReplyValue, NgValue, NgValueParseOptions, NgValueParseResult } from './ng-bencode.js';
export { NG_DEFAULTS, NgClient } from './ng-client.js';
export type { NgAddress, NgClientOptions, NgDictionary, NgReply, NgSdpReply, NgSdpRequest } from './ng-client.js';
export { SDP_TOWARD_MOBILE, SDP_TOWARD_TAS } from './sdp-profiles.js';
export type { SdpProfile } from './sdp-profiles.js';
export { MediaRelay } from './sdp-hooks.js';
export type {
  CallMediaRelay,
  MediaRelayCommand,
  MediaRelayFailureAction,
  MediaRelayLog,
  MediaRelayOptions,
} from './sdp-hooks.js';
export type {
  MediaCallHooks,
  MediaInDialogContext,
  MediaLeg,
  MediaLegTarget,
  MediaOutgoingInviteContext,
  MediaRelayedContent,
  MediaSetupResponseContext,
} from './call-shapes.js';
export { parseSdp, serializeSdp } from './sdp.js';
export type { MediaDescription, SessionDescription } from './sdp.js';

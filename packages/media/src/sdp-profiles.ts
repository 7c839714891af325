/**
 * What rtpengine is asked for each direction of a call. A TAS gets SDP in
 * WebRTC style (JSEP, RFC 8829: ICE, DTLS-SRTP, rtcp-mux, a=mid); the mobile
 * side gets plain RTP/AVP as a mobile network's UAs send it. rtpengine is the
 * only ICE candidate and the DTLS endpoint toward the TAS, and bridges to
 * plain RTP toward the mobile side.
 */
import type { NgDictionary } from './ng-client.js';

/** The keys of the `offer` and of the `answer` of one direction. */
export interface SdpProfile {
  readonly offer: NgDictionary;
  readonly answer: NgDictionary;
}

/**
 * Both sides' addresses as the SDP gives them (`trust address`: no
 * `received from`, the SIP source is another leg); rtpengine's address
 * replaces the origin's and the session's c= (its own media addresses are
 * written in every m= section anyway).
 */
const ADDRESSING = { replace: ['origin', 'session-connection'] } as const;

/**
 * An offer from the mobile side toward a TAS (leg 2), and the TAS's answer
 * back.
 *
 * Offer: `transport-protocol` UDP/TLS/RTP/SAVPF (RFC 5764 DTLS-SRTP with
 * the feedback profile WebRTC uses, RFC 8834 §5); `ICE: force` (rtpengine's
 * own candidates only: the mobile side's addresses never reach a TAS);
 * `rtcp-mux: offer` (a=rtcp-mux offered, with a=rtcp kept as the RFC 5761
 * fallback); `SDES: off` (no a=crypto: WebRTC forbids SDES, RFC 8827 §6.5);
 * `generate mid` (JSEP needs a=mid on every m= section). The DTLS role is
 * rtpengine's default for an offerer, `actpass` (RFC 5763 §5).
 *
 * Answer: `ICE: remove`; the protocol goes back to what the mobile side
 * offered (RTP/AVP), rtpengine's default in an answer.
 */
export const SDP_TOWARD_TAS: SdpProfile = {
  offer: {
    ICE: 'force',
    'transport-protocol': 'UDP/TLS/RTP/SAVPF',
    'rtcp-mux': ['offer'],
    SDES: ['off'],
    flags: ['trust-address', 'generate-mid'],
    ...ADDRESSING,
  },
  answer: { ICE: 'remove', flags: ['trust-address'], ...ADDRESSING },
};

/**
 * An offer from a TAS (leg 3, INGRESS) toward the mobile side (leg 4), and
 * the mobile side's answer back.
 *
 * Offer: `transport-protocol` RTP/AVP, `ICE: remove` (no ICE, DTLS or
 * fingerprint toward the mobile network), `rtcp-mux: demux` (RTCP on its
 * own port toward the mobile side, rtcp-mux still accepted toward the TAS).
 *
 * Answer: `ICE: force`; rtpengine answers the TAS in the protocol it
 * offered (UDP/TLS/RTP/SAVPF) with its fingerprint, its DTLS role and
 * a=rtcp-mux.
 */
export const SDP_TOWARD_MOBILE: SdpProfile = {
  offer: {
    ICE: 'remove',
    'transport-protocol': 'RTP/AVP',
    'rtcp-mux': ['demux'],
    flags: ['trust-address'],
    ...ADDRESSING,
  },
  answer: { ICE: 'force', flags: ['trust-address'], ...ADDRESSING },
};

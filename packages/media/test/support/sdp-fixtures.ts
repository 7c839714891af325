/**
 * Session descriptions the tests send through rtpengine, written by
 * `sdp-transform` from these objects.
 */
import { serializeSdp, type SessionDescription } from '../../src/sdp.js';

/** A plain offer as a mobile-side UA sends it (what SIPp's Alice sends): RTP/AVP, PCMU, PCMA, telephone-event. */
export function plainOffer(): SessionDescription {
  return {
    version: 0,
    origin: {
      username: 'alice',
      sessionId: 53655765,
      sessionVersion: 2353687637,
      netType: 'IN',
      ipVer: 4,
      address: '127.0.0.1',
    },
    name: '-',
    connection: { version: 4, ip: '127.0.0.1' },
    timing: { start: 0, stop: 0 },
    media: [
      {
        type: 'audio',
        port: 6000,
        protocol: 'RTP/AVP',
        payloads: '0 8 101',
        rtp: [
          { payload: 0, codec: 'PCMU', rate: 8000 },
          { payload: 8, codec: 'PCMA', rate: 8000 },
          { payload: 101, codec: 'telephone-event', rate: 8000 },
        ],
        fmtp: [],
        direction: 'sendrecv',
      },
    ],
  };
}

/** A WebRTC-style answer as a TAS would give it: DTLS-SRTP (active), ICE with one host candidate, rtcp-mux, a=mid. */
export function webRtcAnswer(): SessionDescription {
  return {
    version: 0,
    origin: { username: 'tas', sessionId: 1, sessionVersion: 1, netType: 'IN', ipVer: 4, address: '127.0.0.1' },
    name: '-',
    connection: { version: 4, ip: '127.0.0.1' },
    timing: { start: 0, stop: 0 },
    media: [
      {
        type: 'audio',
        port: 7000,
        protocol: 'UDP/TLS/RTP/SAVPF',
        payloads: '0 101',
        mid: '1',
        rtp: [
          { payload: 0, codec: 'PCMU', rate: 8000 },
          { payload: 101, codec: 'telephone-event', rate: 8000 },
        ],
        fmtp: [],
        rtcpMux: 'rtcp-mux',
        setup: 'active',
        fingerprint: {
          type: 'sha-256',
          hash: '4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF',
        },
        iceUfrag: 'tasUfrag',
        icePwd: 'tasIcePasswordOf22Chars',
        candidates: [
          {
            foundation: '1',
            component: 1,
            transport: 'UDP',
            priority: 2130706431,
            ip: '127.0.0.1',
            port: 7000,
            type: 'host',
          },
        ],
        direction: 'sendrecv',
      },
    ],
  };
}

/** `session` as an SDP body. */
export const sdpBody = (session: SessionDescription): Uint8Array => serializeSdp(session);

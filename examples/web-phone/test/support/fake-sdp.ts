/**
 * SDP of a WebRTC peer that is not there, for the page's browser to accept:
 * well-formed (ICE credentials, a DTLS fingerprint, rtcp-mux, opus) with one
 * host candidate on 127.0.0.1 port 9 (discard), so Chromium's checks stay on
 * loopback and reach nobody. Enough to prove the signalling; no media flows.
 */
import { randomBytes } from 'node:crypto';

function fingerprint(): string {
  return [...randomBytes(32)].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

function audioSection(mid: string, setup: 'actpass' | 'active'): string[] {
  return [
    'm=audio 9 UDP/TLS/RTP/SAVPF 111 0',
    'c=IN IP4 127.0.0.1',
    'a=rtcp:9 IN IP4 127.0.0.1',
    'a=candidate:1 1 udp 2130706431 127.0.0.1 9 typ host',
    `a=ice-ufrag:${randomBytes(4).toString('hex')}`,
    `a=ice-pwd:${randomBytes(12).toString('hex')}`,
    `a=fingerprint:sha-256 ${fingerprint()}`,
    `a=setup:${setup}`,
    `a=mid:${mid}`,
    'a=sendrecv',
    'a=rtcp-mux',
    'a=rtpmap:111 opus/48000/2',
    'a=fmtp:111 minptime=10;useinbandfec=1',
    'a=rtpmap:0 PCMU/8000',
  ];
}

function session(mid: string): string[] {
  return ['v=0', `o=- ${Date.now()} 1 IN IP4 127.0.0.1`, 's=-', 't=0 0', `a=group:BUNDLE ${mid}`];
}

/** An answer to a browser's audio offer (its first m= section's mid). */
export function fakeAnswerSdp(offer: string): string {
  const mid = /^a=mid:(\S+)/m.exec(offer)?.[1] ?? '0';
  return [...session(mid), ...audioSection(mid, 'active')].join('\r\n') + '\r\n';
}

/** An offer of audio, as a remote party's arrives at a terminal. */
export function fakeOfferSdp(): string {
  return [...session('0'), ...audioSection('0', 'actpass')].join('\r\n') + '\r\n';
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSdp, serializeSdp, type MediaDescription, type SessionDescription } from '../src/sdp.js';
import { plainOffer, webRtcAnswer } from './support/sdp-fixtures.js';

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

/** A token that sdp-transform keeps as text (one made of digits only it reads as a number). */
const token = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9+/-]{0,15}$/);
const ipv4 = fc.ipV4();

/** The media sections the relay handles: audio, plain or WebRTC style (two codecs at least: sdp-transform reads a lone payload type as a number). */
const media: fc.Arbitrary<MediaDescription> = fc
  .record({
    port: fc.integer({ min: 1, max: 65_535 }),
    protocol: fc.constantFrom('RTP/AVP', 'UDP/TLS/RTP/SAVPF', 'RTP/SAVP'),
    codecs: fc.uniqueArray(
      fc.constantFrom<[number, string]>([0, 'PCMU'], [8, 'PCMA'], [9, 'G722'], [101, 'telephone-event']),
      { minLength: 2, selector: (c) => c[0] },
    ),
    direction: fc.option(
      fc.constantFrom('sendrecv' as const, 'sendonly' as const, 'recvonly' as const, 'inactive' as const),
      { nil: undefined },
    ),
    ice: fc.option(fc.record({ iceUfrag: token, icePwd: token }), { nil: undefined }),
    setup: fc.option(fc.constantFrom('actpass', 'active', 'passive'), { nil: undefined }),
    fingerprint: fc.option(
      fc
        .array(fc.integer({ min: 0, max: 255 }), { minLength: 32, maxLength: 32 })
        .map((b) => b.map((x) => x.toString(16).toUpperCase().padStart(2, '0')).join(':')),
      { nil: undefined },
    ),
    rtcpMux: fc.boolean(),
    mid: fc.option(token, { nil: undefined }),
    candidate: fc.option(
      fc.record({
        foundation: token,
        ip: ipv4,
        port: fc.integer({ min: 1, max: 65_535 }),
        priority: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      }),
      { nil: undefined },
    ),
  })
  .map((m) => {
    const section: MediaDescription = {
      type: 'audio',
      port: m.port,
      protocol: m.protocol,
      payloads: m.codecs.map((c) => c[0]).join(' '),
      rtp: m.codecs.map(([payload, codec]) => ({ payload, codec, rate: 8000 })),
      fmtp: [],
    };
    if (m.mid !== undefined) section.mid = m.mid;
    if (m.direction !== undefined) section.direction = m.direction;
    if (m.ice !== undefined) Object.assign(section, m.ice);
    if (m.setup !== undefined) section.setup = m.setup;
    if (m.fingerprint !== undefined) section.fingerprint = { type: 'sha-256', hash: m.fingerprint };
    if (m.rtcpMux) section.rtcpMux = 'rtcp-mux';
    if (m.candidate !== undefined)
      section.candidates = [{ ...m.candidate, component: 1, transport: 'UDP', type: 'host' }];
    return section;
  });

const session: fc.Arbitrary<SessionDescription> = fc
  .record({
    username: token,
    sessionId: fc.nat(),
    sessionVersion: fc.nat(),
    address: ipv4,
    media: fc.array(media, { minLength: 1, maxLength: 3 }),
  })
  .map(({ username, sessionId, sessionVersion, address, media: sections }) => ({
    version: 0,
    origin: { username, sessionId, sessionVersion, netType: 'IN', ipVer: 4, address },
    name: '-',
    connection: { version: 4, ip: address },
    timing: { start: 0, stop: 0 },
    media: sections,
  }));

describe('parseSdp / serializeSdp (sdp-transform)', () => {
  it('writes a session as an SDP body, CRLF line ends, and reads it back', () => {
    const body = text(serializeSdp(plainOffer()));
    expect(
      body.startsWith(
        'v=0\r\no=alice 53655765 2353687637 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0 8 101\r\n',
      ),
    ).toBe(true);
    expect(body.endsWith('\r\n')).toBe(true);
    expect(parseSdp(body)).toEqual(plainOffer());
    const answer = serializeSdp(webRtcAnswer());
    expect(serializeSdp(parseSdp(answer))).toEqual(answer);
  });

  it("reads a value made of digits only as a number, whatever its type says (a=mid:1, a candidate's foundation)", () => {
    const audio = parseSdp(serializeSdp(webRtcAnswer())).media[0];
    expect(audio?.mid).toBe(1);
    expect(audio?.candidates?.[0]?.foundation).toBe(1);
    expect({
      ...audio,
      mid: String(audio?.mid),
      candidates: audio?.candidates?.map((c) => ({ ...c, foundation: String(c.foundation) })),
    }).toEqual(webRtcAnswer().media[0]);
  });

  it('reads bytes as UTF-8, and lines that end in LF alone (RFC 8866 §5)', () => {
    const lf = new TextEncoder().encode(
      'v=0\no=- 1 1 IN IP4 192.0.2.1\ns=Café\nt=0 0\nm=audio 4000 RTP/AVP 0\na=sendonly\n',
    );
    const parsed = parseSdp(lf);
    expect(parsed.name).toBe('Café');
    expect(parsed.media).toHaveLength(1);
    expect(parsed.media[0]?.port).toBe(4000);
    expect(parsed.media[0]?.direction).toBe('sendonly');
  });

  it('reads back every session it writes (round trip)', () => {
    fc.assert(
      fc.property(session, (s) => {
        expect(parseSdp(serializeSdp(s))).toEqual(s);
      }),
      { numRuns: 300 },
    );
  });

  it('writes back byte for byte what it wrote', () => {
    fc.assert(
      fc.property(session, (s) => {
        const body = text(serializeSdp(s));
        expect(text(serializeSdp(parseSdp(body)))).toBe(body);
      }),
      { numRuns: 300 },
    );
  });
});

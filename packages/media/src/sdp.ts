/**
 * SDP (RFC 8866) read and written by `sdp-transform`: the one way this
 * project looks inside a session description, in code and in tests. A body
 * arrives as bytes; its text is UTF-8 (RFC 8866 §5: the default charset of
 * the text fields is ISO 10646 in UTF-8), and a line may end in CRLF or LF
 * alone (§5: a parser should accept both).
 */
import { parse, write, type MediaDescription, type SessionDescription } from 'sdp-transform';

export type { MediaDescription, SessionDescription };

const utf8 = new TextDecoder();
const utf8Encoder = new TextEncoder();

/**
 * A session description as `sdp-transform` reads it: session fields at the
 * top, one entry of `media` per m= section, each attribute under its name
 * (`iceUfrag`, `fingerprint`, `setup`, `rtcpMux`, `candidates`…). Lines it
 * does not know are kept under `invalid`; it never throws.
 */
export function parseSdp(sdp: string | Uint8Array): SessionDescription {
  return parse(typeof sdp === 'string' ? sdp : utf8.decode(sdp));
}

/** `session` written as an SDP body: UTF-8, CRLF line ends, the lines in the order RFC 8866 §5 gives them. */
export function serializeSdp(session: SessionDescription): Uint8Array {
  return utf8Encoder.encode(write(session));
}

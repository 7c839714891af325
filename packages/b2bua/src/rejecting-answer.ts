/**
 * An SDP answer that refuses every stream of an offer (RFC 3264 §6: a
 * stream is refused with port 0 in its `m=` line, and the answer has as
 * many `m=` lines as the offer, in the same order). A UAC that does not
 * want the session a 2xx offers must still ACK it with a valid answer
 * before its BYE (RFC 3261 §13.2.2.4); this is that answer. It reads only
 * the offer's `m=` lines.
 */

/** An answer to `offer` (an SDP body) that refuses each of its media streams. */
export function rejectingAnswer(offer: Uint8Array): Uint8Array {
  const lines = ['v=0', 'o=- 0 0 IN IP4 0.0.0.0', 's=-', 'c=IN IP4 0.0.0.0', 't=0 0'];
  for (const line of new TextDecoder('latin1').decode(offer).split(/\r?\n/)) {
    if (!line.startsWith('m=')) continue;
    // m=<media> <port> <proto> <fmt> ...: the port becomes 0, the rest is kept.
    const [media, , ...rest] = line.slice(2).trim().split(/\s+/);
    if (media !== undefined && rest.length > 0) lines.push(`m=${media} 0 ${rest.join(' ')}`);
  }
  return new TextEncoder().encode(`${lines.join('\r\n')}\r\n`);
}

/**
 * The SDP a page sends, cut down to 127.0.0.1 UDP host candidates: Chromium
 * gathers every interface of the machine, and a WebRTC peer tries every
 * candidate it is given, so the page passes on only loopback when media must
 * stay on this machine (the tests' rule, and a core on the same machine).
 * ICE candidates travel only inside the SDP (no trickle), so the SDP is cut
 * after gathering completed.
 */

/** A candidate of an `a=candidate:` line (RFC 8839 §5.1), the fields this module reads. */
export interface SdpCandidate {
  readonly transport: string;
  readonly address: string;
  readonly port: number;
  readonly type: string;
}

/** Reads an `a=candidate:` line (without the line end); undefined when it is not one. */
export function parseCandidateLine(line: string): SdpCandidate | undefined {
  const match = /^a=candidate:\S+ \d+ (\S+) \d+ (\S+) (\d+) typ (\S+)/.exec(line);
  if (match === null) return undefined;
  return {
    transport: (match[1] ?? '').toLowerCase(),
    address: match[2] ?? '',
    port: Number(match[3]),
    type: match[4] ?? '',
  };
}

/** Whether a candidate is a UDP host candidate on 127.0.0.1. */
export function isLoopbackUdpHost(candidate: SdpCandidate): boolean {
  return candidate.transport === 'udp' && candidate.type === 'host' && candidate.address === '127.0.0.1';
}

/** Every candidate of an SDP. */
export function candidatesOf(sdp: string): SdpCandidate[] {
  return sdp
    .split(/\r?\n/)
    .map(parseCandidateLine)
    .filter((c): c is SdpCandidate => c !== undefined);
}

/**
 * `sdp` with only 127.0.0.1 UDP host candidates. In each media section that
 * keeps one, the default address and port (RFC 8839 §4.2.1.2: `c=` and the
 * `m=` port, and `a=rtcp:`) are that candidate's, so a peer that does not do
 * ICE is sent to loopback too. Line ends are CRLF, as RFC 8866 §5 asks.
 */
export function keepLoopbackCandidates(sdp: string): string {
  const lines = sdp.split(/\r?\n/).filter((line) => line !== '');
  const out: string[] = [];
  // Sections: the session part, then one per m= line.
  const sections: string[][] = [[]];
  for (const line of lines) {
    if (line.startsWith('m=')) sections.push([]);
    sections.at(-1)?.push(line);
  }
  for (const [index, section] of sections.entries()) {
    if (index === 0) {
      out.push(...section);
      continue;
    }
    const kept = section.filter((line) => {
      const candidate = parseCandidateLine(line);
      return candidate === undefined || isLoopbackUdpHost(candidate);
    });
    const first = kept.map(parseCandidateLine).find((c) => c !== undefined);
    if (first === undefined) {
      out.push(...kept);
      continue;
    }
    for (const line of kept) {
      if (line.startsWith('m=')) out.push(line.replace(/^(m=\S+ )\d+/, `$1${first.port}`));
      else if (line.startsWith('c=IN IP4 ') || line.startsWith('c=IN IP6 ')) out.push('c=IN IP4 127.0.0.1');
      else if (line.startsWith('a=rtcp:')) out.push(`a=rtcp:${first.port} IN IP4 127.0.0.1`);
      else out.push(line);
    }
  }
  return `${out.join('\r\n')}\r\n`;
}

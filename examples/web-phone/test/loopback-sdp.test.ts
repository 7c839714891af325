import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { candidatesOf, keepLoopbackCandidates, parseCandidateLine } from '../src/page/loopback-sdp.js';

// An offer of Debian's chromium on a machine with two cards and loopback, gathered with
// --allow-loopback-in-peer-connection and mDNS host candidates off.
const OFFER = readFileSync(new URL('./fixtures/chromium-offer.sdp', import.meta.url), 'utf8');

describe('keepLoopbackCandidates', () => {
  it('keeps only the 127.0.0.1 UDP host candidate of a Chromium offer (not ::1, TCP or the cards)', () => {
    expect(candidatesOf(OFFER)).toHaveLength(8);
    const cut = keepLoopbackCandidates(OFFER);
    expect(candidatesOf(cut)).toEqual([{ transport: 'udp', address: '127.0.0.1', port: 43420, type: 'host' }]);
  });

  it('points the default address, the m= port and a=rtcp at that candidate (RFC 8839 §4.2.1.2)', () => {
    const lines = keepLoopbackCandidates(OFFER).split('\r\n');
    expect(lines.filter((l) => l.startsWith('m='))).toEqual([
      'm=audio 43420 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126',
    ]);
    expect(lines.filter((l) => l.startsWith('c='))).toEqual(['c=IN IP4 127.0.0.1']);
    expect(lines.filter((l) => l.startsWith('a=rtcp:'))).toEqual(['a=rtcp:43420 IN IP4 127.0.0.1']);
  });

  it('leaves every other line as it was, in order, with CRLF line ends, and is idempotent', () => {
    const cut = keepLoopbackCandidates(OFFER);
    const untouched = (sdp: string) =>
      sdp.split(/\r?\n/).filter((l) => l !== '' && !/^(a=candidate|m=|c=|a=rtcp:)/.test(l));
    expect(untouched(cut)).toEqual(untouched(OFFER));
    expect(cut.endsWith('\r\n')).toBe(true);
    expect(cut.replace(/\r\n/g, '')).not.toContain('\n');
    expect(keepLoopbackCandidates(cut)).toBe(cut);
  });

  it('leaves a section without a loopback candidate with no candidate at all (nothing off loopback is offered)', () => {
    const noLoopback = OFFER.split(/\r?\n/)
      .filter((l) => !l.includes(' 127.0.0.1 '))
      .join('\r\n');
    expect(candidatesOf(keepLoopbackCandidates(noLoopback))).toEqual([]);
  });

  it('reads candidate lines and nothing else', () => {
    expect(parseCandidateLine('a=candidate:1 1 UDP 2130706431 127.0.0.1 9 typ host')).toEqual({
      transport: 'udp',
      address: '127.0.0.1',
      port: 9,
      type: 'host',
    });
    expect(parseCandidateLine('a=candidate:garbage')).toBeUndefined();
    expect(parseCandidateLine('a=end-of-candidates')).toBeUndefined();
  });
});

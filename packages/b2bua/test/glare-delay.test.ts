import { describe, expect, it } from 'vitest';
import { glareDelay } from '../src/glare-delay.js';
import { rejectingAnswer } from '../src/rejecting-answer.js';

describe('glareDelay (RFC 3261 §14.1)', () => {
  it('waits 2.1–4 s for the owner of the Call-ID and 0–2 s for the other side, in steps of 10 ms', () => {
    expect([glareDelay(true, () => 0), glareDelay(true, () => 0.999999)]).toEqual([2100, 4000]);
    expect([glareDelay(false, () => 0), glareDelay(false, () => 0.999999)]).toEqual([0, 2000]);
    for (let i = 0; i < 200; i++) {
      const owner = glareDelay(true);
      const other = glareDelay(false);
      expect(owner % 10 === 0 && owner >= 2100 && owner <= 4000).toBe(true);
      expect(other % 10 === 0 && other >= 0 && other <= 2000).toBe(true);
    }
  });
});

describe('rejectingAnswer (RFC 3264 §6)', () => {
  it('answers every m= line of the offer with port 0, in order, keeping proto and formats', () => {
    const offer =
      'v=0\r\no=bob 1 1 IN IP4 10.0.0.3\r\ns=-\r\nc=IN IP4 10.0.0.3\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\nm=video 5002 RTP/AVP 96\r\n';
    const answer = new TextDecoder().decode(rejectingAnswer(new TextEncoder().encode(offer)));
    expect(answer.split('\r\n').filter((l) => l.startsWith('m='))).toEqual([
      'm=audio 0 RTP/AVP 0 8',
      'm=video 0 RTP/AVP 96',
    ]);
    expect(answer.startsWith('v=0\r\no=')).toBe(true);
  });
});

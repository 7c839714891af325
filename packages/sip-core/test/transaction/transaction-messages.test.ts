import { describe, expect, it } from 'vitest';
import { SipRequest } from '../../src/message.js';
import { parseMessage } from '../../src/parse-message.js';
import { createResponse } from '../../src/transaction/transaction-messages.js';
import { parseUri } from '../../src/uri.js';

function request(text: string): SipRequest {
  const parsed = parseMessage(new TextEncoder().encode(text.replace(/\n/g, '\r\n')));
  if (!parsed.ok || parsed.message.kind !== 'request') throw new Error('bad test request');
  return parsed.message;
}

const REGISTER = request(`REGISTER sip:example.com SIP/2.0
Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-1
Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK-0
From: <sip:alice@example.com>;tag=a1
To: <sip:alice@example.com>
Call-ID: call-1@192.0.2.10
CSeq: 1 REGISTER
Timestamp: 54
Content-Length: 0

`);

describe('createResponse (RFC 3261 §8.2.6)', () => {
  it('copies Via, From, To, Call-ID and CSeq, adds the To tag above 100 when To has none, and takes a reason', () => {
    const response = createResponse(REGISTER, 423, {
      reason: 'Interval Too Brief',
      toTag: 'r1',
      headers: [['Min-Expires', '60']],
    });
    expect(response.status).toBe(423);
    expect(response.reason).toBe('Interval Too Brief');
    expect(response.headers.getAll('via')).toEqual([
      'SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-1',
      'SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK-0',
    ]);
    expect(response.headers.get('from')).toBe('<sip:alice@example.com>;tag=a1');
    expect(response.headers.get('to')).toBe('<sip:alice@example.com>;tag=r1');
    expect(response.callId).toBe('call-1@192.0.2.10');
    expect(response.headers.get('cseq')).toBe('1 REGISTER');
    expect(response.headers.get('min-expires')).toBe('60');
    expect(response.headers.get('timestamp')).toBeUndefined();
  });

  it('keeps a To that has a tag, adds none to a 100, and copies Timestamp into a 100 (§8.2.6.1)', () => {
    const tagged = request(`OPTIONS sip:example.com SIP/2.0
Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-2
From: <sip:alice@example.com>;tag=a1
To: <sip:bob@example.com>;tag=b1
Call-ID: call-2@192.0.2.10
CSeq: 2 OPTIONS
Content-Length: 0

`);
    expect(createResponse(tagged, 200, { toTag: 'other' }).headers.get('to')).toBe('<sip:bob@example.com>;tag=b1');
    const trying = createResponse(REGISTER, 100, { toTag: 'r1' });
    expect(trying.headers.get('to')).toBe('<sip:alice@example.com>');
    expect(trying.headers.get('timestamp')).toBe('54');
    expect(trying.reason).toBe('Trying');
  });

  it('answers a request built by hand without throwing: a header it lacks is left out, a To that does not parse is copied as it is', () => {
    const uri = parseUri('sip:example.com');
    if (!uri.ok) throw new Error('bad test URI');
    const bare = new SipRequest({
      method: 'REGISTER',
      uri: uri.uri,
      headers: [
        ['Via', 'SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK-3'],
        ['To', '<<not a uri'],
      ],
    });
    const response = createResponse(bare, 400, { toTag: 'r1' });
    expect(response.status).toBe(400);
    expect(response.headers.get('to')).toBe('<<not a uri');
    expect(response.headers.get('from')).toBeUndefined();
    expect(response.headers.get('call-id')).toBeUndefined();
    expect(response.headers.get('cseq')).toBeUndefined();
  });
});

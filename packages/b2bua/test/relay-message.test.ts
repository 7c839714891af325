/** What a B2BUA copies from one leg to the other, as pure functions. */
import { parseMessage, serializeUri, type SipMessage, type SipRequest } from '@sipbreakout/sip-core';
import { describe, expect, it } from 'vitest';
import { chooseFinalResponse, createOutgoingInvite, nextMaxForwards } from '../src/relay-message.js';

function parse(text: string): SipMessage {
  const r = parseMessage(text.replace(/\n/g, '\r\n'));
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.message;
}

const invite = parse(`INVITE sip:bob@example.com SIP/2.0
Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK-1
Max-Forwards: 70
From: "A" <sip:alice@example.com>;tag=a1
To: <sip:bob@example.com>
Call-ID: c1
CSeq: 7 INVITE
Contact: <sip:alice@10.0.0.1>
Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>
Content-Length: 0

`) as SipRequest;

describe('what a B2BUA copies between legs', () => {
  it('builds an outgoing INVITE with its own Call-ID, From tag, CSeq 1, Max-Forwards one less and a Session-ID', () => {
    const out = createOutgoingInvite(invite, {
      sessionId: '0123456789abcdef0123456789abcdef',
      uri: 'sip:+0047112334455@tas.example.com',
    });
    expect(out.callId).not.toBe('c1');
    expect(out.from.tag).not.toBe('a1');
    expect(out.from.displayName).toBe('A');
    expect(out.cseq).toMatchObject({ seq: 1, method: 'INVITE' });
    expect(out.maxForwards).toBe(69);
    expect(
      out.headers.has('Via') ||
        out.headers.has('Record-Route') ||
        out.headers.has('Contact') ||
        out.headers.has('Route'),
    ).toBe(false);
    expect(out.sessionId?.local).toBe('0123456789abcdef0123456789abcdef');
    expect(serializeUri(out.uri)).toBe('sip:+0047112334455@tas.example.com');
    expect(nextMaxForwards(out)).toBe(68);
  });

  it('keeps the option tags it relays end to end (100rel, precondition) in Supported and Require, and drops the others', () => {
    const withTags = parse(`INVITE sip:bob@example.com SIP/2.0
Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK-2
Max-Forwards: 70
From: <sip:alice@example.com>;tag=a2
To: <sip:bob@example.com>
Call-ID: c2
CSeq: 1 INVITE
Supported: 100rel, timer, replaces
Require: precondition, sec-agree
Proxy-Require: sec-agree
Content-Length: 0

`) as SipRequest;
    const out = createOutgoingInvite(withTags, { sessionId: '0123456789abcdef0123456789abcdef' });
    expect(out.headers.getAll('Supported')).toEqual(['100rel']);
    expect(out.headers.getAll('Require')).toEqual(['precondition']);
    expect(out.headers.has('Proxy-Require')).toBe(false);
    const plain = createOutgoingInvite(invite, { sessionId: '0123456789abcdef0123456789abcdef' });
    expect(plain.headers.has('Supported') || plain.headers.has('Require')).toBe(false);
  });

  it('chooses a 6xx first, else the lowest class (after §16.7)', () => {
    expect(chooseFinalResponse([{ status: 486 }, { status: 603 }, { status: 302 }])?.status).toBe(603);
    expect(chooseFinalResponse([{ status: 503 }, { status: 486 }, { status: 404 }])?.status).toBe(486);
    expect(chooseFinalResponse([])).toBeUndefined();
  });
});

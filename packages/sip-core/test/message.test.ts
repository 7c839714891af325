import { describe, expect, it } from 'vitest';
import {
  isSipError,
  parseMessage,
  parseNameAddressList,
  serializeMessage,
  serializeNameAddress,
  SipHeaders,
  SipRequest,
  type SipMessage,
} from '../src/index.js';

const INVITE = [
  'INVITE sip:bob@biloxi.example.com SIP/2.0',
  'Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds;rport',
  'v: SIP/2.0/TCP [2001:db8::9]:5070;branch=z9hG4bKkjshdyff;received=192.0.2.1;rport=5070, SIP/2.0/TLS proxy.example.com;branch=z9hG4bK77ef4c2312983.1',
  'Max-Forwards: 70',
  'To: Bob <sip:bob@biloxi.example.com>',
  'From: "Alice \\"A\\"" <sip:alice@atlanta.example.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
  'CSeq: 314159 INVITE',
  'Contact: <sip:alice@pc33.atlanta.example.com>;expires=60;q=0.7, sip:alice@192.0.2.7',
  'Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>',
  'Record-Route: <sip:p3.example.com;lr>',
  'Session-ID: ab30317f1a784dc48ff824d0d3715d86;remote=47755a9de7794ba387653f2099600ef2',
  'P-Asserted-Identity: "Alice" <sip:+4711223344@ims.example.com>, <tel:+4711223344>',
  'Authorization: Digest username="alice", realm="atlanta.example.com", nonce="84a4cc6f3082121f32b42a2187831a9e", uri="sip:bob@biloxi.example.com", response="7587245234b3434cc3412213e5f113a5", qop=auth, nc=00000001, cnonce="0a4f113b", algorithm=MD5',
  'X-Unknown: keep ; me , as is',
  'Content-Type: application/sdp',
  'Content-Length: 4',
  '',
  'v=0\r\n',
].join('\r\n');

function parse(text: string): SipMessage {
  const result = parseMessage(text);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.message;
}

describe('parseMessage typed headers', () => {
  const m = parse(INVITE);

  it('reads the request line', () => {
    expect(m.kind).toBe('request');
    if (m.kind !== 'request') return;
    expect(m.method).toBe('INVITE');
    expect(m.uri).toMatchObject({ kind: 'sip', user: 'bob', host: 'biloxi.example.com' });
  });

  it('reads every Via entry in order, across header lines and commas (RFC 3261 §20.42, RFC 3581)', () => {
    expect(
      m.via.map((v) => ({
        transport: v.transport,
        host: v.host,
        port: v.port,
        branch: v.branch,
        received: v.received,
        rport: v.rport,
      })),
    ).toEqual([
      {
        transport: 'UDP',
        host: 'pc33.atlanta.example.com',
        port: undefined,
        branch: 'z9hG4bK776asdhds',
        received: undefined,
        rport: true,
      },
      {
        transport: 'TCP',
        host: '[2001:db8::9]',
        port: 5070,
        branch: 'z9hG4bKkjshdyff',
        received: '192.0.2.1',
        rport: 5070,
      },
      {
        transport: 'TLS',
        host: 'proxy.example.com',
        port: undefined,
        branch: 'z9hG4bK77ef4c2312983.1',
        received: undefined,
        rport: undefined,
      },
    ]);
    expect(m.via[1]?.hostKind).toBe('ipv6');
    expect(m.via[0]?.protocol).toBe('SIP/2.0');
  });

  it('reads From and To with display names and tags (RFC 3261 §20.20, §20.39)', () => {
    expect(m.from.displayName).toBe('Alice "A"');
    expect(m.from.tag).toBe('1928301774');
    expect(m.to.displayName).toBe('Bob');
    expect(m.to.tag).toBeUndefined();
  });

  it('reads Call-ID, CSeq, Max-Forwards, Content-Length and Content-Type', () => {
    expect(m.callId).toBe('a84b4c76e66710@pc33.atlanta.example.com');
    expect(m.cseq).toEqual({ seq: 314159, method: 'INVITE' });
    expect(m.maxForwards).toBe(70);
    expect(m.contentLength).toBe(4);
    expect(m.contentType).toMatchObject({ type: 'application', subtype: 'sdp' });
    expect(Buffer.from(m.body).toString()).toBe('v=0\r');
  });

  it('reads Contact with expires and q, in name-addr and addr-spec forms (RFC 3261 §20.10)', () => {
    const contacts = m.contact;
    expect(contacts).toHaveLength(2);
    const [first, second] = contacts;
    if (first === undefined || first.star || second === undefined || second.star) expect.fail('star');
    expect(first.expires).toBe(60);
    expect(first.q).toBe(0.7);
    expect(second.uri).toMatchObject({ host: '192.0.2.7' });
  });

  it('reads Route and Record-Route lists', () => {
    expect(m.route.map((r) => r.uri.kind === 'sip' && r.uri.host)).toEqual(['p1.example.com', 'p2.example.com']);
    expect(m.recordRoute.map((r) => r.uri.kind === 'sip' && r.uri.params.has('lr'))).toEqual([true]);
  });

  it('reads Session-ID (RFC 7989) and P-Asserted-Identity (RFC 3325)', () => {
    expect(m.sessionId).toEqual(
      expect.objectContaining({
        local: 'ab30317f1a784dc48ff824d0d3715d86',
        remote: '47755a9de7794ba387653f2099600ef2',
      }),
    );
    expect(m.pAssertedIdentity.map((a) => a.uri.kind)).toEqual(['sip', 'tel']);
  });

  it('parses a list of name-addrs and addr-specs with their parameters (History-Info, Diversion)', () => {
    const list = parseNameAddressList(
      '"Alice A." <sip:+4790000001@10.0.0.2:5070;user=phone>;index=1, sip:bob@example.com, <tel:+4790000002>;reason=unconditional',
    );
    expect(list?.map(serializeNameAddress)).toEqual([
      'Alice A. <sip:+4790000001@10.0.0.2:5070;user=phone>;index=1',
      '<sip:bob@example.com>',
      '<tel:+4790000002>;reason=unconditional',
    ]);
    expect(parseNameAddressList('<sip:a@b')).toBeUndefined();
  });

  it('reads Digest credentials with quotes removed (RFC 7616 §3.4)', () => {
    const [credentials] = m.authorization;
    expect(credentials?.scheme).toBe('Digest');
    expect(credentials?.params.get('username')).toBe('alice');
    expect(credentials?.params.get('qop')).toBe('auth');
    expect(credentials?.params.get('nc')).toBe('00000001');
  });

  it('keeps unknown headers raw', () => {
    expect(m.headers.get('x-unknown')).toBe('keep ; me , as is');
  });

  it('reads Contact: * as a star (RFC 3261 §10.2.2)', () => {
    const register = parse(
      INVITE.replace(/^INVITE/, 'REGISTER')
        .replace('CSeq: 314159 INVITE', 'CSeq: 1 REGISTER')
        .replace(/Contact: .*\r\n/, 'Contact: *\r\nExpires: 0\r\n'),
    );
    expect(register.contact).toEqual([{ star: true }]);
    expect(register.expires).toBe(0);
  });
});

describe('SipHeaders', () => {
  it('looks names up case-insensitively, compact forms included (RFC 3261 §7.3.3)', () => {
    const headers = SipHeaders.from([
      ['v', 'a'],
      ['VIA', 'b'],
      ['i', 'c'],
      ['l', '0'],
    ]);
    expect(headers.getAll('Via')).toEqual(['a', 'b']);
    expect(headers.get('call-id')).toBe('c');
    expect(headers.get('Content-Length')).toBe('0');
    expect(headers.has('from')).toBe(false);
  });

  it('appends, prepends before the first of a name, sets and deletes in order', () => {
    const headers = SipHeaders.from([
      ['Via', 'a'],
      ['To', 't'],
      ['Via', 'b'],
    ]);
    headers.prepend('Via', 'new');
    expect(headers.entries()).toEqual([
      ['Via', 'new'],
      ['Via', 'a'],
      ['To', 't'],
      ['Via', 'b'],
    ]);
    headers.set('via', 'only');
    expect(headers.entries()).toEqual([
      ['via', 'only'],
      ['To', 't'],
    ]);
    expect(headers.deleteFirst('To')).toBe(true);
    expect(headers.delete('Via')).toBe(1);
    expect(headers.size).toBe(0);
  });

  it('refuses a header that would break framing', () => {
    const headers = new SipHeaders();
    expect(() => headers.append('X-Evil', 'a\r\nVia: injected')).toThrow(TypeError);
    expect(() => headers.append('Bad Name', 'x')).toThrow(TypeError);
  });
});

describe('typed accessors after a change', () => {
  it('parse the new value once the header changes', () => {
    const m = parse(INVITE);
    expect(m.via).toHaveLength(3);
    m.headers.deleteFirst('Via');
    expect(m.via).toHaveLength(2);
    m.headers.set('CSeq', '7 INVITE');
    expect(m.cseq.seq).toBe(7);
  });

  it('throw a SipError with the code of the header when it is malformed or missing', () => {
    const m = parse(INVITE);
    m.headers.set('CSeq', 'seven INVITE');
    expect(() => m.cseq).toThrowError(expect.objectContaining({ code: 'SIP_ERR_BAD_CSEQ' }));
    m.headers.delete('From');
    try {
      void m.from;
      expect.fail('no throw');
    } catch (error) {
      expect(isSipError(error, 'SIP_ERR_MISSING_HEADER')).toBe(true);
    }
  });

  it('work on a request built by hand', () => {
    const uri = parseMessage(INVITE);
    if (!uri.ok || uri.message.kind !== 'request') expect.fail('parse');
    const request = new SipRequest({
      method: 'OPTIONS',
      uri: uri.message.uri,
      headers: [
        ['Via', 'SIP/2.0/UDP h.example.com;branch=z9hG4bK1'],
        ['CSeq', '1 OPTIONS'],
      ],
    });
    expect(request.via[0]?.branch).toBe('z9hG4bK1');
    expect(request.cseq.method).toBe('OPTIONS');
  });
});

describe('serializeMessage', () => {
  it('writes the start line, every header in order, and the body (RFC 3261 §7)', () => {
    const m = parse(INVITE);
    const again = parse(Buffer.from(serializeMessage(m)).toString('utf8'));
    expect(again.headers.entries()).toEqual(m.headers.entries());
    expect(Buffer.from(again.body)).toEqual(Buffer.from(m.body));
  });

  it('corrects or adds Content-Length to match the body unless told to preserve it', () => {
    const m = parse(INVITE);
    m.body = Buffer.from('v=0\r\no=- 0 0 IN IP4 192.0.2.1\r\n');
    const text = Buffer.from(serializeMessage(m)).toString();
    expect(text).toContain(`Content-Length: ${m.body.length}\r\n`);
    expect(Buffer.from(serializeMessage(m, { contentLength: 'preserve' })).toString()).toContain(
      'Content-Length: 4\r\n',
    );
    m.headers.delete('Content-Length');
    expect(Buffer.from(serializeMessage(m)).toString()).toContain(`Content-Length: ${m.body.length}\r\n\r\n`);
  });

  it('writes a response status line', () => {
    const response = parse(
      'SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP h.example.com;branch=z9hG4bK1\r\nFrom: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>;tag=2\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n',
    );
    expect(Buffer.from(serializeMessage(response)).toString().startsWith('SIP/2.0 180 Ringing\r\n')).toBe(true);
  });
});

describe('parseMessage on bad input', () => {
  const base = INVITE;
  it.each([
    ['an empty input', '', 'SIP_ERR_EMPTY'],
    ['no empty line', 'OPTIONS sip:a@example.com SIP/2.0\r\nVia: x\r\n', 'SIP_ERR_NO_HEADER_END'],
    ['a bare LF in a header', base.replace('Max-Forwards: 70\r\n', 'Max-Forwards: 70\n'), 'SIP_ERR_BAD_HEADER_LINE'],
    ['a bare CR in a header', base.replace('Max-Forwards: 70', 'Max-Forwards: 7\r0'), 'SIP_ERR_BAD_HEADER_LINE'],
    ['a header without colon', base.replace('Max-Forwards: 70', 'Max-Forwards 70'), 'SIP_ERR_BAD_HEADER_LINE'],
    ['a Max-Forwards over 255', base.replace('Max-Forwards: 70', 'Max-Forwards: 256'), 'SIP_ERR_BAD_MAX_FORWARDS'],
    [
      'a bad Call-ID',
      base.replace('Call-ID: a84b4c76e66710@pc33.atlanta.example.com', 'Call-ID: a@b@c'),
      'SIP_ERR_BAD_CALL_ID',
    ],
    [
      'a bad Content-Type',
      base.replace('Content-Type: application/sdp', 'Content-Type: application'),
      'SIP_ERR_BAD_CONTENT_TYPE',
    ],
    [
      'a bad Route',
      base.replace('Route: <sip:p1.example.com;lr>', 'Route: <sip:p1.example.com;lr'),
      'SIP_ERR_BAD_ROUTE',
    ],
    [
      'a bad Record-Route',
      base.replace('Record-Route: <sip:p3.example.com;lr>', 'Record-Route: p3'),
      'SIP_ERR_BAD_RECORD_ROUTE',
    ],
    ['a bad Expires', base.replace('Max-Forwards: 70', 'Max-Forwards: 70\r\nExpires: soon'), 'SIP_ERR_BAD_EXPIRES'],
    [
      'a bad Min-Expires',
      base.replace('Max-Forwards: 70', 'Max-Forwards: 70\r\nMin-Expires: -1'),
      'SIP_ERR_BAD_MIN_EXPIRES',
    ],
    [
      'a bad Retry-After',
      base.replace('Max-Forwards: 70', 'Max-Forwards: 70\r\nRetry-After: 99999999999'),
      'SIP_ERR_BAD_RETRY_AFTER',
    ],
    ['a bad Warning', base.replace('Max-Forwards: 70', 'Max-Forwards: 70\r\nWarning: 30 x "y"'), 'SIP_ERR_BAD_WARNING'],
    ['a method that is not a token', base.replace(/^INVITE/, 'INV(TE'), 'SIP_ERR_BAD_METHOD'],
    [
      'a control character in a reason phrase',
      'SIP/2.0 200 O\x01K\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\r\n',
      'SIP_ERR_BAD_REASON_PHRASE',
    ],
    ['invalid UTF-8 in a header', base.replace('X-Unknown: keep', 'X-Unknown: k\u00ffeep'), 'SIP_ERR_INVALID_UTF8'],
  ])('rejects %s with the right code', (_what, input, code) => {
    const bytes = typeof input === 'string' && input.includes('\u00ff') ? Buffer.from(input, 'latin1') : input;
    const result = parseMessage(bytes);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(code);
  });

  it('applies every limit', () => {
    const limits = { maxMessageSize: 200 };
    expect(parseMessage(INVITE, { limits })).toMatchObject({
      ok: false,
      error: { code: 'SIP_ERR_MESSAGE_TOO_LARGE', status: 513 },
    });
    expect(parseMessage(INVITE, { limits: { maxHeaders: 5 } })).toMatchObject({
      ok: false,
      error: { code: 'SIP_ERR_TOO_MANY_HEADERS' },
    });
    expect(parseMessage(INVITE, { limits: { maxHeaderLength: 40 } })).toMatchObject({
      ok: false,
      error: { code: 'SIP_ERR_HEADER_LINE_TOO_LONG' },
    });
    expect(parseMessage(INVITE, { limits: { maxVias: 2 } })).toMatchObject({
      ok: false,
      error: { code: 'SIP_ERR_TOO_MANY_VIAS' },
    });
  });

  it('requires Content-Length on a stream and not in a datagram (RFC 3261 §18.3)', () => {
    const noLength = INVITE.replace('Content-Length: 4\r\n', '');
    expect(parseMessage(noLength, { framing: 'stream' })).toMatchObject({
      ok: false,
      error: { code: 'SIP_ERR_MISSING_CONTENT_LENGTH' },
    });
    const datagram = parseMessage(noLength);
    expect(datagram.ok && datagram.message.body.length).toBe(5);
  });

  it('ignores CRLFs before the start line (RFC 3261 §7.5)', () => {
    expect(parseMessage('\r\n\r\n' + INVITE).ok).toBe(true);
  });

  it('reports the byte offset of the problem, counting UTF-8 bytes', () => {
    const text = INVITE.replace('Call-ID: a84b4c76e66710@pc33.atlanta.example.com', 'Call-ID: bad value');
    const withUtf8 = text.replace('"Alice \\"A\\""', '"Ålice"');
    const result = parseMessage(withUtf8);
    if (result.ok) expect.fail('accepted');
    const bytes = Buffer.from(withUtf8);
    expect(bytes.subarray(result.error.offset).toString().startsWith('bad value')).toBe(true);
  });
});

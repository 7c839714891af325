import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseMessage, serializeMessage, type SipErrorCode, type SipMessage } from '../src/index.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

function load(set: string, file: string): Buffer {
  return readFileSync(join(fixtures, set, file));
}

/** The verdict each torture message must get: accepted, or rejected with this code (and this status, for requests). */
type Verdict = { readonly accept: true } | { readonly code: SipErrorCode; readonly status?: number };

const ACCEPT: Verdict = { accept: true };

/**
 * RFC 4475 §3.1.1 valid and §3.2–3.4 "parse" messages are accepted; §3.1.2
 * invalid ones are rejected with the code named here. The three §3.3
 * messages the RFC answers with 400 (insuf, multi01, mcl01) are rejected with
 * status 400, which RFC 4475 allows a parser to do; test.dat is not an RFC
 * 4475 message and is rejected for its missing SIP-Version.
 */
const RFC4475: Readonly<Record<string, Verdict>> = {
  'wsinv.dat': ACCEPT,
  'intmeth.dat': ACCEPT,
  'esc01.dat': ACCEPT,
  'escnull.dat': ACCEPT,
  'esc02.dat': ACCEPT,
  'lwsdisp.dat': ACCEPT,
  'longreq.dat': ACCEPT,
  'dblreq.dat': ACCEPT,
  'semiuri.dat': ACCEPT,
  'transports.dat': ACCEPT,
  'mpart01.dat': ACCEPT,
  'unreason.dat': ACCEPT,
  'noreason.dat': ACCEPT,
  'badinv01.dat': { code: 'SIP_ERR_BAD_VIA', status: 400 },
  'clerr.dat': { code: 'SIP_ERR_BODY_TRUNCATED', status: 400 },
  'ncl.dat': { code: 'SIP_ERR_BAD_CONTENT_LENGTH', status: 400 },
  'scalar02.dat': { code: 'SIP_ERR_BAD_CSEQ', status: 400 },
  'scalarlg.dat': { code: 'SIP_ERR_BAD_CSEQ' },
  'quotbal.dat': { code: 'SIP_ERR_BAD_TO', status: 400 },
  'ltgtruri.dat': { code: 'SIP_ERR_BAD_REQUEST_URI', status: 400 },
  'lwsruri.dat': { code: 'SIP_ERR_BAD_REQUEST_URI', status: 400 },
  'lwsstart.dat': { code: 'SIP_ERR_BAD_START_LINE', status: 400 },
  'trws.dat': { code: 'SIP_ERR_BAD_START_LINE', status: 400 },
  'escruri.dat': { code: 'SIP_ERR_BAD_REQUEST_URI', status: 400 },
  'baddate.dat': { code: 'SIP_ERR_BAD_DATE', status: 400 },
  'regbadct.dat': { code: 'SIP_ERR_BAD_CONTACT', status: 400 },
  'badaspec.dat': { code: 'SIP_ERR_BAD_TO', status: 400 },
  'baddn.dat': { code: 'SIP_ERR_BAD_FROM', status: 400 },
  'badvers.dat': { code: 'SIP_ERR_BAD_VERSION', status: 505 },
  'mismatch01.dat': { code: 'SIP_ERR_CSEQ_METHOD_MISMATCH', status: 400 },
  'mismatch02.dat': { code: 'SIP_ERR_CSEQ_METHOD_MISMATCH', status: 400 },
  'bigcode.dat': { code: 'SIP_ERR_BAD_STATUS_CODE' },
  'badbranch.dat': ACCEPT,
  'insuf.dat': { code: 'SIP_ERR_MISSING_HEADER', status: 400 },
  'unkscm.dat': ACCEPT,
  'novelsc.dat': ACCEPT,
  'unksm2.dat': ACCEPT,
  'bext01.dat': ACCEPT,
  'invut.dat': ACCEPT,
  'regaut01.dat': ACCEPT,
  'multi01.dat': { code: 'SIP_ERR_DUPLICATE_HEADER', status: 400 },
  'mcl01.dat': { code: 'SIP_ERR_DUPLICATE_HEADER', status: 400 },
  'bcast.dat': ACCEPT,
  'zeromf.dat': ACCEPT,
  'cparam01.dat': ACCEPT,
  'cparam02.dat': ACCEPT,
  'regescrt.dat': ACCEPT,
  'sdp01.dat': ACCEPT,
  'inv2543.dat': ACCEPT,
  'test.dat': { code: 'SIP_ERR_BAD_START_LINE', status: 400 },
};

/** RFC 5118 §4: the IPv6 torture messages. */
const RFC5118: Readonly<Record<string, Verdict>> = {
  'ipv6-good.dat': ACCEPT,
  'ipv6-bad.dat': { code: 'SIP_ERR_BAD_REQUEST_URI', status: 400 },
  'port-ambiguous.dat': ACCEPT,
  'port-unambiguous.dat': ACCEPT,
  'via-received-param-with-delim.dat': ACCEPT,
  'via-received-param-no-delim.dat': ACCEPT,
  'ipv6-in-sdp.dat': ACCEPT,
  'mult-ip-in-header.dat': ACCEPT,
  'mult-ip-in-sdp.dat': ACCEPT,
  'ipv4-mapped-ipv6.dat': ACCEPT,
  'ipv6-bug-abnf-3-colons.dat': { code: 'SIP_ERR_BAD_REQUEST_URI', status: 400 },
  'ipv6-correct-abnf-2-colons.dat': ACCEPT,
};

/** Reads every typed accessor, so a message that parses can be used without surprises. */
function readEverything(message: SipMessage): void {
  void message.via;
  void message.from;
  void message.to;
  void message.callId;
  void message.cseq;
  void message.maxForwards;
  void message.contact;
  void message.route;
  void message.recordRoute;
  void message.contentLength;
  void message.contentType;
  void message.expires;
}

for (const [set, table] of [
  ['rfc4475', RFC4475],
  ['rfc5118', RFC5118],
] as const) {
  describe(`${set} torture messages`, () => {
    it('has a verdict for every file of the set', () => {
      const files = readdirSync(join(fixtures, set))
        .filter((f) => f.endsWith('.dat'))
        .sort();
      expect(files).toEqual(Object.keys(table).sort());
    });

    for (const [file, verdict] of Object.entries(table)) {
      if ('accept' in verdict) {
        it(`accepts ${file}`, () => {
          const result = parseMessage(load(set, file));
          if (!result.ok) expect.fail(`${result.error.code}: ${result.error.message}`);
          readEverything(result.message);
          // A parsed message serializes to a message that parses to the same headers.
          const again = parseMessage(serializeMessage(result.message, { contentLength: 'preserve' }));
          if (!again.ok) expect.fail(`re-parse: ${again.error.code}`);
          expect(again.message.headers.entries()).toEqual(result.message.headers.entries());
          expect(Buffer.from(again.message.body)).toEqual(Buffer.from(result.message.body));
        });
      } else {
        it(`rejects ${file} with ${verdict.code}`, () => {
          const result = parseMessage(load(set, file));
          if (result.ok) expect.fail('accepted');
          expect(result.error.code).toBe(verdict.code);
          expect(result.error.status).toBe(verdict.status);
          expect(typeof result.error.offset).toBe('number');
          expect(result.error.message.length).toBeGreaterThan(0);
        });
      }
    }
  });
}

function parsed(set: string, file: string): SipMessage {
  const result = parseMessage(load(set, file));
  if (!result.ok) throw new Error(result.error.code);
  return result.message;
}

describe('what the torture messages parse to', () => {
  it('unfolds wsinv and reads its odd spacing (RFC 4475 §3.1.1.1)', () => {
    const m = parsed('rfc4475', 'wsinv.dat');
    expect(m.to.tag).toBe('1918181833n');
    expect(m.from.displayName).toBe('J Rosenberg \\"');
    expect(m.from.tag).toBe('98asjd8');
    expect(m.maxForwards).toBe(68);
    expect(m.cseq).toEqual({ seq: 9, method: 'INVITE' });
    expect(m.via.map((v) => [v.transport, v.host, v.branch])).toEqual([
      ['UDP', '192.0.2.2', '390skdjuw'],
      ['TCP', 'spindle.example.com', 'z9hG4bK9ikj8'],
      ['UDP', '192.168.255.111', 'z9hG4bK30239'],
    ]);
    expect(m.headers.get('NewFangledHeader')).toBe('newfangled value continued newfangled value');
    expect(m.headers.get('subject')).toBe('');
    const contact = m.contact[0];
    if (contact === undefined || contact.star) expect.fail('no contact');
    expect(contact.q).toBe(0.33);
    expect(contact.params.get('newparam')).toBe('newvalue');
    expect(m.route[0]?.uri.kind).toBe('sip');
    expect(m.body.length).toBe(150);
  });

  it('keeps unusual tokens, escapes and UTF-8 of intmeth (§3.1.1.2)', () => {
    const m = parsed('rfc4475', 'intmeth.dat');
    if (m.kind !== 'request') expect.fail('not a request');
    expect(m.method).toBe("!interesting-Method0123456789_*+`.%indeed'~");
    expect(m.cseq.method).toBe(m.method);
    expect(m.uri.kind === 'sip' && m.uri.password).toBe("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
    expect(m.from.displayName).toBe("token1~` token2'+_ token3*%!.-");
    expect(m.callId).toBe('intmeth.word%ZK-!.*_+\'@word`~)(><:\\/"][?}{');
    expect(m.headers.get("extensionHeader-!.%*+_`'~")).toBe('\u{FEFF}\u5927\u505C\u96FB');
  });

  it('keeps escapes as written in esc01 (§3.1.1.3)', () => {
    const m = parsed('rfc4475', 'esc01.dat');
    if (m.kind !== 'request' || m.uri.kind !== 'sip') expect.fail('not a SIP request');
    expect(m.uri.user).toBe('sips%3Auser%40example.com');
    expect(m.to.uri.kind === 'sip' && m.to.uri.user).toBe('%75se%72');
  });

  it('drops the octets after Content-Length of a datagram (dblreq, §3.1.1.8)', () => {
    const m = parsed('rfc4475', 'dblreq.dat');
    expect(m.kind === 'request' && m.method).toBe('REGISTER');
    expect(m.body.length).toBe(0);
  });

  it('reads the user part with semicolons of semiuri (§3.1.1.9)', () => {
    const m = parsed('rfc4475', 'semiuri.dat');
    if (m.kind !== 'request' || m.uri.kind !== 'sip') expect.fail('not a SIP request');
    expect(m.uri.user).toBe('user;par=u%40example.net');
    expect(m.uri.host).toBe('example.com');
  });

  it('keeps every transport token of transports (§3.1.1.10)', () => {
    expect(parsed('rfc4475', 'transports.dat').via.map((v) => v.transport)).toEqual([
      'UDP',
      'SCTP',
      'TLS',
      'UNKNOWN',
      'TCP',
    ]);
  });

  it('keeps the binary multipart body of mpart01 byte for byte (§3.1.1.11)', () => {
    const bytes = load('rfc4475', 'mpart01.dat');
    const m = parsed('rfc4475', 'mpart01.dat');
    expect(m.contentLength).toBe(m.body.length);
    expect(Buffer.from(m.body)).toEqual(bytes.subarray(bytes.length - m.body.length));
  });

  it('reads UTF-8 and empty reason phrases (§3.1.1.12, §3.1.1.13)', () => {
    const unreason = parsed('rfc4475', 'unreason.dat');
    const noreason = parsed('rfc4475', 'noreason.dat');
    expect(unreason.kind === 'response' && unreason.reason).toBe(
      '= 2**3 * 5**2 \u043d\u043e \u0441\u0442\u043e \u0434\u0435\u0432\u044f\u043d\u043e\u0441\u0442\u043e \u0434\u0435\u0432\u044f\u0442\u044c - \u043f\u0440\u043e\u0441\u0442\u043e\u0435',
    );
    expect(noreason.kind === 'response' && noreason.reason).toBe('');
  });

  it('keeps opaque URIs of unknown schemes (§3.3.2, §3.3.4)', () => {
    const unkscm = parsed('rfc4475', 'unkscm.dat');
    expect(unkscm.kind === 'request' && unkscm.uri).toEqual({
      kind: 'absolute',
      scheme: 'nobodyknowsthisscheme',
      opaque: 'totallyopaquecontent',
    });
    const unksm2 = parsed('rfc4475', 'unksm2.dat');
    expect(unksm2.to.uri).toEqual({ kind: 'absolute', scheme: 'isbn', opaque: '2983792873' });
  });

  it('answers the errors of requests with what RFC 3261 §8.2.6.2 copies', () => {
    const result = parseMessage(load('rfc4475', 'badvers.dat'));
    if (result.ok) expect.fail('accepted');
    expect(result.error.request?.method).toBe('OPTIONS');
    const names = result.error.request?.headers.map(([name]) => name.toLowerCase());
    expect(names).toEqual(expect.arrayContaining(['via', 'from', 'to', 'call-id', 'cseq']));
  });

  it('tells IPv6 references from ports (RFC 5118 §4.3, §4.4)', () => {
    const ambiguous = parsed('rfc5118', 'port-ambiguous.dat');
    const unambiguous = parsed('rfc5118', 'port-unambiguous.dat');
    expect(
      ambiguous.kind === 'request' && ambiguous.uri.kind === 'sip' && [ambiguous.uri.host, ambiguous.uri.port],
    ).toEqual(['[2001:db8::10:5070]', undefined]);
    expect(
      unambiguous.kind === 'request' && unambiguous.uri.kind === 'sip' && [unambiguous.uri.host, unambiguous.uri.port],
    ).toEqual(['[2001:db8::10]', 5070]);
  });

  it('reads received with and without brackets (RFC 5118 §4.5)', () => {
    expect(parsed('rfc5118', 'via-received-param-with-delim.dat').via[0]?.received).toBe('[2001:db8::9:255]');
    expect(parsed('rfc5118', 'via-received-param-no-delim.dat').via[0]?.received).toBe('2001:db8::9:255');
  });
});

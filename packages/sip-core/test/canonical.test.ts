import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { fastPaths } from '../src/canonical.js';
import { parseMessage, serializeMessage, type ParseResult } from '../src/index.js';
import { messageView } from './support/plain.js';

const here = dirname(fileURLToPath(import.meta.url));

function files(dir: string, ext: string): Array<readonly [string, Buffer]> {
  return readdirSync(dir)
    .filter((f) => f.endsWith(ext))
    .map((f) => [f, readFileSync(join(dir, f))] as const);
}

/** The messages the parse benchmark times, and the RFC 4475 / RFC 5118 torture messages. */
const CORPUS = [
  ...files(join(here, '../../../benches/corpus'), '.sip'),
  ...files(join(here, 'fixtures/rfc4475'), '.dat'),
  ...files(join(here, 'fixtures/rfc5118'), '.dat'),
];

/** A request whose hot headers are replaced, one at a time, by the values below. */
const BASE = [
  'INVITE sip:bob@biloxi.example.com SIP/2.0',
  'Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds',
  'Max-Forwards: 70',
  'To: <sip:bob@biloxi.example.com>',
  'From: "Alice" <sip:alice@atlanta.example.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
  'CSeq: 314159 INVITE',
  'Content-Length: 0',
];

/**
 * Values at the edges of the canonical forms: each is either taken by a fast
 * path or left to the general parser, and must read the same either way.
 */
const VARIANTS: Readonly<Record<string, readonly string[]>> = {
  Via: [
    'SIP/2.0/UDP 192.0.2.1:5060;BRANCH=z9hG4bK1;Received=192.0.2.2;RPORT=7',
    'SIP/2.0/TCP h.example.com;branch=z9hG4bK1;rport;maddr=239.1.1.1;ttl=16',
    'SIP/2.0/TCP h.example.com;branch=z9hG4bK1;ttl=256',
    'SIP/2.0/UDP h.example.com:65536;branch=z9hG4bK1',
    'SIP/2.0/UDP 256.1.1.1;branch=z9hG4bK1',
    'SIP/2.0/UDP 1.2.3.4.;branch=z9hG4bK1',
    'SIP/2.0/UDP a-b--c.d9.example.;branch=z9hG4bK1;received=[2001:db8::1]',
    'SIP/2.0/UDP -a.example.com;branch=z9hG4bK1',
    'SIP/2.0/UDP a..example.com;branch=z9hG4bK1',
    'SIP/2.0/UDP a.9com;branch=z9hG4bK1',
    'SIP/2.0/UDP h;branch',
    'SIP/2.0/UDP h;branch=z9hG4bK1;received=2001:db8::1',
    'SIP/2.0/UDP h:05060;branch=z9hG4bK1;rport=65536',
  ],
  From: [
    '<sip:alice@atlanta.example.com>;Tag=x',
    '<sip:alice@atlanta.example.com>;tag=x;tag=y',
    '<sip:alice@atlanta.example.com>;tag',
    '"A \\"B\\"" <sip:alice@atlanta.example.com>;tag=1',
    '"Alice"<sip:al%41ice@atlanta.example.com;x=%4a>;tag=1',
    '<sip:alice@atlanta.example.com;x=%4>;tag=1',
    '<sips:alice@[2001:db8::1]:5061;transport=tls>;tag=1',
    '<sip:alice@atlanta.example.com>;tag=1;+sip.instance="<urn:uuid:1;2,3>"',
    'sip:alice@atlanta.example.com;tag=1',
    '<tel:+1-201-555-0123>;tag=1',
  ],
  Contact: [
    '<sip:a@192.0.2.45:5060;transport=udp>;+g.3gpp.icsi-ref="urn%3Aurn-7%3A3gpp-service.ims.icsi.mmtel";expires=600;q=0.5',
    '<sip:a@h;ob>;+sip.instance="<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>";reg-id=1, "B, C" <sip:b@h>;q=1.0',
    '<sip:a@h>;expires=4294967296',
    '<sip:a@h>;q=1.5',
    '<sip:a@h>;x="a;b,c";expires=3',
    '"a>b, \\"c\\"" <sip:a@h>;x="q,", "d>e" <sip:b@h>;q=0.5',
    '"a>b" <sip:a@h>, <sip:b@h>, "c,d" <sip:c@h>',
    '*',
  ],
  'Record-Route': [
    '<sip:p1.example.com;lr>, <sip:p2.example.com:5080;transport=tcp;lr;ftag=a>,<sip:p3.example.com;lr>',
    '<sip:p1.example.com;lr>,, <sip:p2.example.com;lr>',
    '<sip:p1.example.com;lr>;x="1,2", <sip:p2.example.com;lr>',
  ],
  'Call-ID': ['a@b@c', '@b', 'a@', 'a()<>:\\"/[]?{}@b'],
};

function messages(): Array<readonly [string, Buffer]> {
  const out = [...CORPUS];
  for (const [name, values] of Object.entries(VARIANTS)) {
    for (const value of values) {
      const lines = BASE.filter((line) => !line.startsWith(`${name}:`));
      lines.splice(1, 0, `${name}: ${value}`);
      out.push([`${name}: ${value}`, Buffer.from([...lines, '', ''].join('\r\n'), 'latin1')]);
    }
  }
  return out;
}

/** What a parse reads to: the error, or the whole message with every typed accessor and its serialized form. */
function view(result: ParseResult): unknown {
  if (!result.ok) return result.error;
  return {
    ...messageView(result.message),
    serialized: Buffer.from(serializeMessage(result.message)).toString('latin1'),
  };
}

function parseWith(enabled: boolean, input: Buffer): unknown {
  fastPaths.enabled = enabled;
  try {
    return view(parseMessage(input));
  } catch (error) {
    return { threw: String(error) };
  }
}

describe('canonical fast paths', () => {
  afterEach(() => {
    fastPaths.enabled = true;
  });

  it.each(messages())('read %s as the general parser does', (_name, input) => {
    expect(parseWith(true, input)).toEqual(parseWith(false, input));
  });
});

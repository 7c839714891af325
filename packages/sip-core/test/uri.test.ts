import { describe, expect, it } from 'vitest';
import { parseUri, serializeUri, unescapeUriPart, type Uri } from '../src/index.js';

function ok(text: string): Uri {
  const result = parseUri(text);
  if (!result.ok) throw new Error(`${text}: ${result.error.code}`);
  return result.uri;
}

describe('parseUri', () => {
  it.each([
    [
      'sip:alice@atlanta.example.com',
      { user: 'alice', host: 'atlanta.example.com', hostKind: 'domain', port: undefined },
    ],
    ['sips:bob@192.0.2.4:5061', { user: 'bob', host: '192.0.2.4', hostKind: 'ipv4', port: 5061, scheme: 'sips' }],
    ['sip:[2001:db8::1]:5070;transport=tcp', { user: undefined, host: '[2001:db8::1]', hostKind: 'ipv6', port: 5070 }],
    ['SIP:Carol@Chicago.Example.COM', { scheme: 'sip', user: 'Carol', host: 'Chicago.Example.COM' }],
    ['sip:user:secret@host.example.com', { user: 'user', password: 'secret', host: 'host.example.com' }],
    ['sip:+4711223344@ims.example.com;user=phone', { user: '+4711223344', host: 'ims.example.com' }],
    ['sip:%61lice@example.com', { user: '%61lice' }],
    ['sip:example.com.', { host: 'example.com.', hostKind: 'domain' }],
  ])('reads %s (RFC 3261 §19.1.1)', (text, expected) => {
    const uri = ok(text);
    expect(uri.kind).toBe('sip');
    expect(uri).toMatchObject(expected);
  });

  it('reads URI parameters and headers in order, names case-insensitively', () => {
    const uri = ok('sip:alice@example.com;Transport=TCP;lr;maddr=239.255.255.1?Subject=hi&Priority=urgent');
    if (uri.kind !== 'sip') expect.fail('not sip');
    expect(uri.params.get('transport')).toBe('TCP');
    expect(uri.params.get('lr')).toBeNull();
    expect(uri.params.get('ttl')).toBeUndefined();
    expect(uri.params.entries().map(([n]) => n)).toEqual(['Transport', 'lr', 'maddr']);
    expect(uri.headers.entries()).toEqual([
      ['Subject', 'hi'],
      ['Priority', 'urgent'],
    ]);
  });

  it.each([
    ['tel:+1-201-555-0123', { number: '+1-201-555-0123', global: true }],
    ['tel:7042;phone-context=example.com', { number: '7042', global: false }],
    ['tel:+358-555-1234567;postd=pp22', { number: '+358-555-1234567' }],
  ])('reads the tel URI %s (RFC 3966)', (text, expected) => {
    const uri = ok(text);
    expect(uri.kind).toBe('tel');
    expect(uri).toMatchObject(expected);
  });

  it('keeps other schemes opaque', () => {
    expect(ok('urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6')).toEqual({
      kind: 'absolute',
      scheme: 'urn',
      opaque: 'uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6',
    });
  });

  it.each([
    '',
    'alice@example.com',
    'sip:',
    'sip:alice@',
    'sip:alice@exa mple.com',
    'sip:alice@example.com:65536',
    'sip:alice@example.com:',
    'sip:alice@-example.com',
    'sip:alice@example-.com',
    'sip:alice@exa..mple.com',
    'sip:alice@1.2.3.256',
    'sip:alice@[2001:db8:::1]',
    'sip:alice@[2001:db8::1',
    'sip:2001:db8::10',
    'sip:al ice@example.com',
    'sip:alice@example.com;=x',
    'sip:alice@example.com;a=',
    'sip:alice@example.com?Subject',
    'sip:%zzalice@example.com',
    'tel:7042',
    'tel:+',
    'tel:+1-800-FLOWERS',
    '1sip:alice@example.com',
  ])('refuses %j with SIP_ERR_BAD_URI', (text) => {
    const result = parseUri(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('SIP_ERR_BAD_URI');
  });
});

describe('serializeUri', () => {
  it.each([
    'sip:alice@atlanta.example.com',
    'sips:bob:pw@192.0.2.4:5061;transport=tls;lr?Subject=hi&X=',
    'sip:[2001:db8::1]:5070',
    'sip:%61lice@example.com;n%61me=v%61lue',
    'tel:+1-201-555-0123;ext=22',
    'tel:7042;phone-context=example.com',
    'urn:service:sos',
  ])('gives back %s as it was written', (text) => {
    expect(serializeUri(ok(text))).toBe(text);
  });

  it('writes the scheme in lower case', () => {
    expect(serializeUri(ok('SIPS:alice@example.com'))).toBe('sips:alice@example.com');
  });
});

describe('unescapeUriPart', () => {
  it('decodes escapes into UTF-8 characters and leaves broken escapes alone', () => {
    expect(unescapeUriPart('I%20have%20spaces')).toBe('I have spaces');
    expect(unescapeUriPart('%C3%A9t%C3%A9')).toBe('\u00e9t\u00e9');
    expect(unescapeUriPart('100%')).toBe('100%');
    expect(unescapeUriPart('plain')).toBe('plain');
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatHostPort, isDomainName, normalizeDomain, parseTasUri, sameDomain } from '../src/index.js';
import { RUNS } from './arbitraries.js';

describe('parseTasUri', () => {
  it.each([
    ['sips:tas.example.com', { domain: 'tas.example.com' }],
    ['SIPS:TAS.Example.COM.', { domain: 'tas.example.com' }],
    ['sips:tas.example.com:5061', { domain: 'tas.example.com', port: 5061 }],
    ['sips:pbx@tas.example.com', { domain: 'tas.example.com' }],
    ['sips:+47;npdi:secret@tas.example.com:5071;transport=tcp?subject=x', { domain: 'tas.example.com', port: 5071 }],
    ['sips:localhost', { domain: 'localhost' }],
  ])('takes the domain and port out of %s', (uri, tas) => {
    expect(parseTasUri(uri)).toEqual({ ok: true, tas });
  });

  it.each([
    ['sip:tas.example.com', 'ROUTE_ERR_NOT_SIPS'],
    ['tas.example.com', 'ROUTE_ERR_NOT_SIPS'],
    ['https://tas.example.com', 'ROUTE_ERR_NOT_SIPS'],
    ['sips:', 'ROUTE_ERR_NOT_DOMAIN'],
    ['sips:192.0.2.1', 'ROUTE_ERR_NOT_DOMAIN'],
    ['sips:[2001:db8::1]:5061', 'ROUTE_ERR_NOT_DOMAIN'],
    ['sips:-tas.example.com', 'ROUTE_ERR_NOT_DOMAIN'],
    ['sips:tas..example.com', 'ROUTE_ERR_NOT_DOMAIN'],
    ['sips:tas_1.example.com', 'ROUTE_ERR_NOT_DOMAIN'],
    [`sips:${'a'.repeat(64)}.example.com`, 'ROUTE_ERR_NOT_DOMAIN'],
    ['sips:tas.example.com:', 'ROUTE_ERR_BAD_PORT'],
    ['sips:tas.example.com:0', 'ROUTE_ERR_BAD_PORT'],
    ['sips:tas.example.com:65536', 'ROUTE_ERR_BAD_PORT'],
    ['sips:tas.example.com:50x', 'ROUTE_ERR_BAD_PORT'],
  ])('refuses %s with %s', (uri, code) => {
    const result = parseTasUri(uri);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(code);
  });

  it('gives back the domain and port of any sips: URI built from them', () => {
    const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
    const top = fc.stringMatching(/^[a-z]([a-z0-9-]{0,6}[a-z0-9])?$/);
    const domain = fc
      .tuple(fc.array(label, { maxLength: 3 }), top)
      .map(([labels, last]) => [...labels, last].join('.'));
    fc.assert(
      fc.property(
        domain,
        fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
        fc.constantFrom('', 'pbx@', '+4790000001;npdi@'),
        fc.constantFrom('', ';transport=tcp', '?subject=x'),
        (host, port, user, tail) => {
          const tas = port === undefined ? { domain: host } : { domain: host, port };
          expect(parseTasUri(`sips:${user}${formatHostPort(tas)}${tail}`)).toEqual({ ok: true, tas });
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('never throws, whatever the string', () => {
    fc.assert(
      fc.property(fc.string(), (uri) => {
        expect(typeof parseTasUri(`sips:${uri}`).ok).toBe('boolean');
      }),
      { numRuns: RUNS },
    );
  });
});

describe('domains', () => {
  it('compares domains case-insensitively and without a trailing dot', () => {
    expect(normalizeDomain('TAS.Example.com.')).toBe('tas.example.com');
    expect(sameDomain('TAS.Example.com.', 'tas.example.com')).toBe(true);
    expect(sameDomain('tas-a.example.com', 'tas-b.example.com')).toBe(false);
  });

  it('tells a domain name from an IP address (RFC 3261 §25.1 toplabel)', () => {
    expect(isDomainName('tas.example.com')).toBe(true);
    expect(isDomainName('tas.example.com.')).toBe(true);
    expect(isDomainName('192.0.2.1')).toBe(false);
    expect(isDomainName('')).toBe(false);
    expect(isDomainName(`${'a.'.repeat(126)}ab`)).toBe(false);
  });

  it('formats host and port for a Request-URI', () => {
    expect(formatHostPort({ domain: 'tas.example.com' })).toBe('tas.example.com');
    expect(formatHostPort({ domain: 'tas.example.com', port: 5061 })).toBe('tas.example.com:5061');
  });
});

/**
 * Topology hiding as pure functions: which header fields cross between the
 * mobile side and a TAS, rewritten how, and which stay behind; and the
 * `sip.domain` key's validation.
 */
import { describe, expect, it } from 'vitest';
import { parseUri, SipRequest, type Uri } from '@sipbreakout/sip-core';
import { CORE_CONFIG_SCHEMA, DEFAULT_SIP_DOMAIN, isDomainName } from '../src/config-schema.js';
import { hideAddresses, hideHeaders, hideInvite, hideWarnAgents } from '../src/topology-hiding.js';

const DOMAIN = 'core.example.net';

describe('topology hiding', () => {
  it('rewrites the host of every SIP URI in a name-addr list to the domain, port and maddr dropped, numbers, names and parameters kept', () => {
    expect(hideAddresses('"Alice" <sip:+4790000001@10.1.2.3:5070;user=phone>;tag=x1', DOMAIN)).toBe(
      `Alice <sip:+4790000001@${DOMAIN};user=phone>;tag=x1`,
    );
    expect(hideAddresses('<sip:+4790000001@[2001:db8::1]:5060;maddr=10.9.9.9>', DOMAIN)).toBe(
      `<sip:+4790000001@${DOMAIN}>`,
    );
    expect(hideAddresses('<sips:+4790000001@msc.op.internal>, <tel:+4790000001>', DOMAIN)).toBe(
      `<sips:+4790000001@${DOMAIN}>, <tel:+4790000001>`,
    );
    // History-Info (RFC 7044): its escaped Reason header and index stay.
    expect(hideAddresses('<sip:+4790000002@10.1.2.3:5060?Reason=SIP%3Bcause%3D302>;index=1.1', DOMAIN)).toBe(
      `<sip:+4790000002@${DOMAIN}?Reason=SIP%3Bcause%3D302>;index=1.1`,
    );
    expect(hideAddresses('<sip:broken@', DOMAIN)).toBeUndefined();
  });

  it('replaces the warn-agent of each Warning value', () => {
    expect(hideWarnAgents('399 10.1.2.3:5060 "Overloaded", 307 msc.op.internal "Bad, really"', DOMAIN)).toBe(
      `399 ${DOMAIN} "Overloaded", 307 ${DOMAIN} "Bad, really"`,
    );
  });

  it('rewrites identity fields, leaves network fields behind, passes the others as they are, in order', () => {
    const hidden = hideHeaders(
      [
        ['P-Asserted-Identity', '<sip:+4790000001@10.1.2.3:5070>'],
        ['Subject', 'hello 10.1.2.3'],
        ['P-Charging-Vector', 'icid-value=1;icid-generated-at=10.1.2.3'],
        ['P-Access-Network-Info', '3GPP-E-UTRAN-FDD; utran-cell-id-3gpp=2420100000001'],
        ['Diversion', '<sip:+4790000003@10.1.2.3>;reason=unconditional'],
        ['History-Info', '<sip:+4790000002@10.1.2.3>;index=1'],
        ['P-Preferred-Identity', '<sip:+4790000001@10.1.2.3>'],
        ['Remote-Party-ID', '"A" <sip:+4790000001@10.1.2.3>;party=calling;privacy=off'],
        ['b', '<sip:+4790000004@10.1.2.3>'],
        ['Replaces', 'abc@10.1.2.3;to-tag=1;from-tag=2'],
        ['Session-ID', 'ab30317f1a784dc48ff824d0d3715d86'],
        ['Path', '<sip:pcscf@10.1.2.3;lr>'],
      ],
      DOMAIN,
    );
    expect(hidden).toEqual([
      ['P-Asserted-Identity', `<sip:+4790000001@${DOMAIN}>`],
      ['Subject', 'hello 10.1.2.3'],
      ['Diversion', `<sip:+4790000003@${DOMAIN}>;reason=unconditional`],
      ['History-Info', `<sip:+4790000002@${DOMAIN}>;index=1`],
      ['P-Preferred-Identity', `<sip:+4790000001@${DOMAIN}>`],
      ['Remote-Party-ID', `A <sip:+4790000001@${DOMAIN}>;party=calling;privacy=off`],
      ['b', `<sip:+4790000004@${DOMAIN}>`],
      ['Session-ID', 'ab30317f1a784dc48ff824d0d3715d86'],
    ]);
  });

  it("rewrites an outgoing INVITE's From and To (tag kept) and leaves its Request-URI, Via, Call-ID and Max-Forwards alone", () => {
    const parsed = parseUri('sips:+4790000002@tas.example.com');
    const uri: Uri | undefined = parsed.ok ? parsed.uri : undefined;
    if (uri === undefined) throw new Error('bad test URI');
    const request = new SipRequest({
      method: 'INVITE',
      uri,
      headers: [
        ['Max-Forwards', '69'],
        ['From', '"Alice" <sip:+4790000001@127.0.0.2:5070>;tag=b2b1'],
        ['To', '<sip:+4790000002@127.0.0.1:5060>'],
        ['Call-ID', 'c0ffee'],
        ['CSeq', '1 INVITE'],
        ['P-Asserted-Identity', '<sip:+4790000001@127.0.0.2:5070>'],
      ],
    });
    hideInvite(request, DOMAIN);
    expect(request.headers.entries()).toEqual([
      ['Max-Forwards', '69'],
      ['From', `Alice <sip:+4790000001@${DOMAIN}>;tag=b2b1`],
      ['To', `<sip:+4790000002@${DOMAIN}>`],
      ['Call-ID', 'c0ffee'],
      ['CSeq', '1 INVITE'],
      ['P-Asserted-Identity', `<sip:+4790000001@${DOMAIN}>`],
    ]);
    expect(request.uri).toBe(uri);
    expect(request.from.tag).toBe('b2b1');
    expect(request.from.uri).toMatchObject({ host: DOMAIN, port: undefined });
  });
});

describe('sip.domain', () => {
  it('defaults to a name that never resolves (RFC 6761 .invalid)', () => {
    expect(CORE_CONFIG_SCHEMA.parse({}).sip.domain).toBe(DEFAULT_SIP_DOMAIN);
    expect(DEFAULT_SIP_DOMAIN.endsWith('.invalid')).toBe(true);
  });

  it('takes a domain name and refuses IP addresses, ports, empty and malformed labels', () => {
    for (const ok of ['operator.example', 'ims.mnc001.mcc242.3gppnetwork.org', 'localhost', 'a-b.example.'])
      expect(isDomainName(ok), ok).toBe(true);
    for (const bad of [
      '',
      '127.0.0.1',
      '[::1]',
      'example.com:5060',
      '-a.example',
      'a..example',
      'x'.repeat(64) + '.example',
      'ex ample',
    ])
      expect(isDomainName(bad), bad).toBe(false);
    expect(CORE_CONFIG_SCHEMA.safeParse({ sip: { domain: '10.0.0.1' } }).success).toBe(false);
  });
});

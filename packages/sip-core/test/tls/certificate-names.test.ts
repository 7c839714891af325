import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { CertificateAuthority, type LeafOptions } from '../../src/pki/index.js';
import { parseAltNames, subjectAttribute } from '../../src/tls/certificate-names.js';
import { readCertificateIdentity } from '../../src/tls/sip-domain-identity.js';
import { isTlsError } from '../../src/tls/tls-error.js';

let ca: CertificateAuthority;

beforeAll(async () => {
  ca = await CertificateAuthority.create({ commonName: 'names, "quoted" + CA' });
});

// [what is awkward, the names put in the certificate, the identity read back]
const CERTIFICATES: ReadonlyArray<
  readonly [string, LeafOptions, { uris: string[]; dnsNames: string[]; commonName: string | undefined }]
> = [
  [
    'plain names',
    {
      commonName: 'sip.example.test',
      uris: ['sip:sip.example.test'],
      dnsNames: ['sip.example.test'],
      ips: ['192.0.2.1'],
    },
    { uris: ['sip:sip.example.test'], dnsNames: ['sip.example.test'], commonName: 'sip.example.test' },
  ],
  [
    'a comma in a name (printed quoted)',
    { commonName: 'a, b', uris: ['sip:a,b@example.test'], dnsNames: ['a,b.example.test'] },
    { uris: ['sip:a,b@example.test'], dnsNames: ['a,b.example.test'], commonName: 'a, b' },
  ],
  [
    'a comma and a prefix that would smuggle in a second name',
    { commonName: 'x', uris: ['sip:o.example.test, DNS:evil.test'] },
    { uris: ['sip:o.example.test, DNS:evil.test'], dnsNames: [], commonName: 'x' },
  ],
  [
    'quotes and backslashes',
    {
      commonName: 'say "hi" \\ bye',
      uris: ['sip:"quoted"@example.test', 'sip:back\\slash.example.test'],
      dnsNames: ['quote".example.test'],
    },
    {
      uris: ['sip:"quoted"@example.test', 'sip:back\\slash.example.test'],
      dnsNames: ['quote".example.test'],
      commonName: 'say "hi" \\ bye',
    },
  ],
  [
    'an apostrophe and a space',
    { commonName: "o'neil", dnsNames: ["o'neil.example.test", 'sp ace.example.test'] },
    { uris: [], dnsNames: ["o'neil.example.test", 'sp ace.example.test'], commonName: "o'neil" },
  ],
  [
    'non-ASCII',
    { commonName: 'bjørn.example.test', dnsNames: ['bjørn.example.test'] },
    { uris: [], dnsNames: ['bjørn.example.test'], commonName: 'bjørn.example.test' },
  ],
  [
    'RFC 2253 specials in the CN',
    { commonName: '#lead +plus; <angle> =equals ', dnsNames: [] },
    { uris: [], dnsNames: [], commonName: '#lead +plus; <angle> =equals ' },
  ],
  [
    'a control character in the CN',
    { commonName: 'new\nline\ttab' },
    { uris: [], dnsNames: [], commonName: 'new\nline\ttab' },
  ],
  [
    'a CN that looks like another attribute',
    { commonName: 'CN=inner + O=org' },
    { uris: [], dnsNames: [], commonName: 'CN=inner + O=org' },
  ],
  [
    'a CN longer than a one-byte DER length',
    { commonName: 'long-'.repeat(60) },
    { uris: [], dnsNames: [], commonName: 'long-'.repeat(60) },
  ],
];

describe('readCertificateIdentity reads the names Node prints, awkward ones included', () => {
  it.each(CERTIFICATES)('%s', async (_, names, identity) => {
    const leaf = await ca.issue(names);
    expect(readCertificateIdentity(leaf.cert)).toEqual(identity);
    // The same from DER bytes, at an offset in a larger buffer.
    const der = new X509Certificate(leaf.cert).raw;
    const padded = new Uint8Array(der.length + 8);
    padded.set(der, 3);
    expect(readCertificateIdentity(padded.subarray(3, 3 + der.length))).toEqual(identity);
  });

  it('reads the awkward CN of the CA itself', () => {
    expect(readCertificateIdentity(ca.cert).commonName).toBe('names, "quoted" + CA');
  });

  it('answers TLS_ERR_BAD_CERTIFICATE for bytes that are no certificate', () => {
    let caught: unknown;
    try {
      readCertificateIdentity(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]));
    } catch (e) {
      caught = e;
    }
    expect(isTlsError(caught, 'TLS_ERR_BAD_CERTIFICATE')).toBe(true);
  });
});

describe("Node's certificate name text", () => {
  it.each([
    ['DNS:a.example.test', [{ type: 'DNS', value: 'a.example.test' }]],
    [
      'DNS:a.example.test, URI:sip:a.example.test, IP Address:192.0.2.1',
      [
        { type: 'DNS', value: 'a.example.test' },
        { type: 'URI', value: 'sip:a.example.test' },
        { type: 'IP Address', value: '192.0.2.1' },
      ],
    ],
    [
      'URI:"sip:a\\u002cb", DNS:c',
      [
        { type: 'URI', value: 'sip:a,b' },
        { type: 'DNS', value: 'c' },
      ],
    ],
    ['URI:"sip:\\"q\\"\\\\x"', [{ type: 'URI', value: 'sip:"q"\\x' }]],
    [
      'DirName:"CN=a\\\\, b", email:x@example.test',
      [
        { type: 'DirName', value: 'CN=a\\, b' },
        { type: 'email', value: 'x@example.test' },
      ],
    ],
    ['"othername:1.2.3.4::odd, value"', [{ type: 'othername', value: '1.2.3.4::odd, value' }]],
  ] as const)('subjectAltName %j', (text, names) => {
    expect(parseAltNames(text)).toEqual(names);
  });

  it('refuses a subjectAltName with an unterminated quoted name', () => {
    expect(() => parseAltNames('DNS:"a.example.test')).toThrow(SyntaxError);
  });

  it.each([
    ['CN=a.example.test', 'a.example.test'],
    ['C=NO\nO=Example\nCN=first\nCN=second', 'first'],
    ['O=org + CN=multi\\+valued', 'multi+valued'],
    ['CN=trailing\\  + O=org', 'trailing '],
    ['CN=back\\\\ + O=org', 'back\\'],
    ['CN=\\#\\ both\\ ', '# both '],
    ['CN=ctrl\\0D\\0A', 'ctrl\r\n'],
    ['CN=utf8 \\C3\\B8', 'utf8 ø'],
    ['O=no common name', undefined],
    ['', undefined],
  ] as const)('subject %j has CN %j', (text, commonName) => {
    expect(subjectAttribute(text, 'CN')).toBe(commonName);
  });
});

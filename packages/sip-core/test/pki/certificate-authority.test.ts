import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CertificateAuthority } from '../../src/pki/index.js';
import { isTlsError } from '../../src/tls/tls-error.js';

const DAY = 86_400_000;

describe('CertificateAuthority', () => {
  it('makes a CA valid from a minute before now for a day, and leaves for server and client authentication', async () => {
    const before = Date.now();
    const ca = await CertificateAuthority.create();
    const caCert = new X509Certificate(ca.cert);
    expect(caCert.ca).toBe(true);
    expect(caCert.subject).toBe('CN=sipbreakout test CA');
    expect(Date.parse(caCert.validFrom)).toBeLessThanOrEqual(before - 59_000);
    expect(Date.parse(caCert.validTo)).toBeGreaterThanOrEqual(before + DAY - 1_000);
    const leaf = await ca.issue({
      commonName: 'sip.example.test',
      dnsNames: ['sip.example.test'],
      ips: ['127.0.0.1', '::1'],
    });
    const leafCert = new X509Certificate(leaf.cert);
    expect(leafCert.ca).toBe(false);
    expect(leafCert.verify(caCert.publicKey)).toBe(true);
    expect(leafCert.checkIssued(caCert)).toBe(true);
    expect(leafCert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    expect(leafCert.checkIP('::1')).toBe('::1');
    expect(leafCert.checkHost('sip.example.test')).toBe('sip.example.test');
  });

  it('takes the instant and the length of validity, and the extended key usages', async () => {
    const now = Date.UTC(2030, 5, 1);
    const ca = await CertificateAuthority.create({ commonName: 'dev CA', now, validDays: 3650 });
    const caCert = new X509Certificate(ca.cert);
    expect(Date.parse(caCert.validFrom)).toBe(now - 60_000);
    expect(Date.parse(caCert.validTo)).toBe(now + 3650 * DAY);
    const client = await ca.issue({ commonName: 'client', extendedKeyUsages: ['clientAuth'], now, validDays: 365 });
    const clientCert = new X509Certificate(client.cert);
    expect(clientCert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(Date.parse(clientCert.validTo)).toBe(now + 365 * DAY);
  });

  it('issues again from a CA kept as PEM, and refuses a key that is not the certificate’s (TLS_ERR_BAD_CERTIFICATE)', async () => {
    const ca = await CertificateAuthority.create({ commonName: 'kept CA' });
    const again = await CertificateAuthority.fromPem({ cert: ca.cert, key: ca.key });
    expect(again.cert).toBe(ca.cert);
    expect(again.key).toBe(ca.key);
    const leaf = new X509Certificate((await again.issue({ commonName: 'later' })).cert);
    expect(leaf.verify(new X509Certificate(ca.cert).publicKey)).toBe(true);
    expect(leaf.issuer).toBe('CN=kept CA');

    const other = await CertificateAuthority.create();
    for (const pair of [
      { cert: ca.cert, key: other.key },
      { cert: ca.cert, key: 'not a key' },
      { cert: 'not a certificate', key: ca.key },
    ]) {
      let caught: unknown;
      try {
        await CertificateAuthority.fromPem(pair);
      } catch (e) {
        caught = e;
      }
      expect(isTlsError(caught, 'TLS_ERR_BAD_CERTIFICATE')).toBe(true);
    }
  });
});

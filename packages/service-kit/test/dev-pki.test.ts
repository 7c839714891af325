import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devGrpcServerNames, ensureDevGrpcCertificates, ensureDevPki } from '../src/dev-pki.js';

const DAY = 86_400_000;

describe('the development PKI', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'service-kit-dev-pki-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names loopback and the configured host in the gRPC server certificate, not a wildcard address', () => {
    expect(devGrpcServerNames('127.0.0.1')).toEqual(['localhost', '127.0.0.1', '::1']);
    expect(devGrpcServerNames('0.0.0.0')).toEqual(['localhost', '127.0.0.1', '::1']);
    expect(devGrpcServerNames('[::]')).toEqual(['localhost', '127.0.0.1', '::1']);
    expect(devGrpcServerNames('LOCALHOST')).toEqual(['localhost', '127.0.0.1', '::1']);
    expect(devGrpcServerNames('192.0.2.5')).toEqual(['localhost', '127.0.0.1', '::1', '192.0.2.5']);
    expect(devGrpcServerNames('core.example.test')).toEqual(['localhost', '127.0.0.1', '::1', 'core.example.test']);
  });

  it('issues the gRPC server certificate from the development CA and reuses it while it fits', async () => {
    const dataDir = join(dir, 'reuse');
    const pki = await ensureDevPki(dataDir);
    const first = await ensureDevGrpcCertificates(pki, { host: '127.0.0.1', client: false });
    expect(first.server.generated).toBe(true);
    expect(first.client).toBeUndefined();
    const leaf = new X509Certificate(first.server.cert);
    expect(leaf.verify(new X509Certificate(pki.ca).publicKey)).toBe(true);
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect((await stat(first.server.keyFile)).mode & 0o777).toBe(0o600);
    expect(await readFile(first.server.certFile, 'utf8')).toBe(first.server.cert);

    const again = await ensureDevGrpcCertificates(await ensureDevPki(dataDir), { host: '127.0.0.1', client: false });
    expect(again.server).toMatchObject({ generated: false, cert: first.server.cert, key: first.server.key });

    // Another host to name: a new certificate naming it.
    const moved = await ensureDevGrpcCertificates(pki, { host: '192.0.2.5', client: false });
    expect(moved.server.generated).toBe(true);
    expect(new X509Certificate(moved.server.cert).checkIP('192.0.2.5')).toBe('192.0.2.5');

    // Within a week of expiry: renewed.
    const late = await ensureDevGrpcCertificates(pki, {
      host: '192.0.2.5',
      client: false,
      now: Date.now() + 360 * DAY,
    });
    expect(late.server.generated).toBe(true);
  });

  it('issues a new gRPC certificate when the CA changed, and a client certificate when asked', async () => {
    const dataDir = join(dir, 'new-ca');
    const pki = await ensureDevPki(dataDir);
    const first = await ensureDevGrpcCertificates(pki, { host: '127.0.0.1', client: true });
    expect(first.client?.generated).toBe(true);
    expect(new X509Certificate(first.client?.cert ?? '').keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);

    // A CA whose key is gone cannot issue: the development PKI is made anew, and the gRPC certificates with it.
    await unlink(join(dataDir, 'tls', 'dev-ca-key.pem'));
    const renewed = await ensureDevPki(dataDir);
    expect(renewed.generated).toBe(true);
    expect(renewed.ca).not.toBe(pki.ca);
    const reissued = await ensureDevGrpcCertificates(renewed, { host: '127.0.0.1', client: true });
    expect(reissued.server.generated).toBe(true);
    expect(reissued.client?.generated).toBe(true);
    expect(new X509Certificate(reissued.server.cert).verify(new X509Certificate(renewed.ca).publicKey)).toBe(true);
  });
});

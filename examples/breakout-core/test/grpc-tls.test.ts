import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateAuthority } from '@sipbreakout/sip-core/testing';
import type { CoreConfig } from '../src/config-schema.js';
import { ensureDevPki, isConfigError } from '@sipbreakout/service-kit';
import { certificateNames, grpcDialHost, loadGrpcTls, serverNameFor, trustFor } from '../src/grpc-tls.js';

type Grpc = CoreConfig['grpc'];

const grpc = (tls: Partial<Grpc['tls']>, host = '127.0.0.1'): Grpc => ({
  host,
  port: 0,
  drainSeconds: 1,
  allowPlaintext: false,
  tls: { mode: 'files', clientCertificate: 'none', ...tls },
});

describe('loadGrpcTls', () => {
  let dir: string;
  let file: (name: string) => string;
  let ca: CertificateAuthority;
  const resolvePath = (path: string): string => resolve(dir, path);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'breakout-grpc-tls-'));
    file = (name) => join(dir, name);
    ca = await CertificateAuthority.create({ commonName: 'grpc unit CA' });
    const other = await CertificateAuthority.create({ commonName: 'other CA' });
    const server = await ca.issue({ commonName: 'localhost', dnsNames: ['localhost'], ips: ['127.0.0.1'] });
    const named = await ca.issue({ commonName: 'api.core.test', dnsNames: ['*.core.test', 'api.core.test'] });
    const foreign = await other.issue({ commonName: 'localhost', dnsNames: ['localhost'] });
    const files: Record<string, string> = {
      'ca.pem': ca.cert,
      'other-ca.pem': other.cert,
      'server.pem': server.cert,
      'server.key': server.key,
      'named.pem': named.cert,
      'named.key': named.key,
      'foreign.pem': foreign.cert,
      'foreign.key': foreign.key,
      'foreign-chain.pem': foreign.cert + other.cert,
      'garbage.pem': 'not a certificate\n',
    };
    for (const [name, content] of Object.entries(files)) await writeFile(file(name), content);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is undefined with mode off', async () => {
    expect(await loadGrpcTls(grpc({ mode: 'off' }), { devPki: undefined, resolvePath })).toBeUndefined();
  });

  it('files: reads the chain and key (relative to the working directory), and tells clients to trust caFile when it issued the chain', async () => {
    const tls = await loadGrpcTls(
      grpc({ certFile: 'server.pem', keyFile: 'server.key', caFile: 'ca.pem', clientCertificate: 'require' }),
      { devPki: undefined, resolvePath },
    );
    expect(tls).toMatchObject({
      mode: 'files',
      certFile: file('server.pem'),
      keyFile: file('server.key'),
      names: ['localhost', '127.0.0.1'],
      clientCertificate: 'require',
      clientCaFile: file('ca.pem'),
      generated: false,
      client: { caFile: file('ca.pem'), serverName: undefined, certFile: undefined, keyFile: undefined },
    });
  });

  it("files: a chain from a CA that is not in caFile: clients trust the chain when it ends self-signed, else the system's CAs", async () => {
    const ending = await loadGrpcTls(
      grpc({ certFile: 'foreign-chain.pem', keyFile: 'foreign.key', caFile: 'ca.pem' }),
      { devPki: undefined, resolvePath },
    );
    expect(ending?.client.caFile).toBe(file('foreign-chain.pem'));
    const leafOnly = await loadGrpcTls(grpc({ certFile: 'foreign.pem', keyFile: 'foreign.key' }), {
      devPki: undefined,
      resolvePath,
    });
    expect(leafOnly?.client.caFile).toBeUndefined();
    expect(leafOnly?.clientCaFile).toBeUndefined();
  });

  it('files: a certificate that does not name the address dialled gives clients its DNS name to check', async () => {
    const named = await loadGrpcTls(grpc({ certFile: 'named.pem', keyFile: 'named.key', caFile: 'ca.pem' }), {
      devPki: undefined,
      resolvePath,
    });
    expect(named?.client.serverName).toBe('api.core.test');
    // A wildcard bind is dialled on loopback; the certificate for localhost names it.
    const wildcard = await loadGrpcTls(grpc({ certFile: 'foreign.pem', keyFile: 'foreign.key' }, '0.0.0.0'), {
      devPki: undefined,
      resolvePath,
    });
    expect(wildcard?.client.serverName).toBe('localhost');
  });

  it.each([
    [
      { certFile: 'missing.pem', keyFile: 'server.key' },
      'grpc.tls.certFile',
      /grpc\.tls\.certFile: ".*missing\.pem" cannot be read \(ENOENT\)/,
    ],
    [
      { certFile: 'server.pem', keyFile: 'missing.key' },
      'grpc.tls.keyFile',
      /grpc\.tls\.keyFile: ".*missing\.key" cannot be read \(ENOENT\)/,
    ],
    [
      { certFile: 'garbage.pem', keyFile: 'server.key' },
      'grpc.tls.certFile',
      /grpc\.tls\.certFile: ".*garbage\.pem" holds no PEM certificate/,
    ],
    [
      { certFile: 'server.pem', keyFile: 'garbage.pem' },
      'grpc.tls.keyFile',
      /grpc\.tls\.keyFile: ".*garbage\.pem" is not a PEM private key/,
    ],
    [
      { certFile: 'server.pem', keyFile: 'named.key' },
      'grpc.tls.keyFile',
      /grpc\.tls\.keyFile: ".*named\.key" is not the key of the first certificate in grpc\.tls\.certFile/,
    ],
    [
      { certFile: 'server.pem', keyFile: 'server.key', caFile: 'garbage.pem' },
      'grpc.tls.caFile',
      /grpc\.tls\.caFile: ".*garbage\.pem" holds no PEM certificate/,
    ],
    [
      { certFile: 'server.pem', keyFile: 'server.key', caFile: 'missing-ca.pem' },
      'grpc.tls.caFile',
      /grpc\.tls\.caFile: ".*missing-ca\.pem" cannot be read/,
    ],
  ])('files: refuses %j naming the key (%s)', async (tls, key, message) => {
    const error: unknown = await loadGrpcTls(grpc(tls), { devPki: undefined, resolvePath }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isConfigError(error, 'CONFIG_ERR_BAD_FILE')).toBe(true);
    expect(error).toMatchObject({ code: 'CONFIG_ERR_BAD_FILE', key });
    expect((error as Error).message).toMatch(message);
  });

  it('dev: a server certificate of the development CA, the CA for clients; with require, a client certificate too', async () => {
    const dataDir = join(dir, 'dev');
    const pki = await ensureDevPki(dataDir);
    const plain = await loadGrpcTls(grpc({ mode: 'dev' }), { devPki: pki, resolvePath });
    expect(plain).toMatchObject({
      mode: 'dev',
      certFile: join(dataDir, 'tls', 'grpc-server.pem'),
      names: ['localhost', '127.0.0.1', '::1'],
      clientCaFile: undefined,
      generated: true,
      client: { caFile: pki.caFile, serverName: undefined, certFile: undefined },
    });
    const mutual = await loadGrpcTls(grpc({ mode: 'dev', clientCertificate: 'require' }), { devPki: pki, resolvePath });
    expect(mutual).toMatchObject({
      clientCaFile: pki.caFile,
      client: {
        caFile: pki.caFile,
        certFile: join(dataDir, 'tls', 'grpc-client.pem'),
        keyFile: join(dataDir, 'tls', 'grpc-client-key.pem'),
      },
    });
    // The client certificate chains to the development CA, for client authentication.
    const client = new X509Certificate(await readFile(join(dataDir, 'tls', 'grpc-client.pem'), 'utf8'));
    expect(client.verify(new X509Certificate(pki.ca).publicKey)).toBe(true);
    expect(client.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    // With a caFile of the operator's, client certificates chain to it and no development one is printed.
    const own = await loadGrpcTls(grpc({ mode: 'dev', clientCertificate: 'require', caFile: 'ca.pem' }), {
      devPki: pki,
      resolvePath,
    });
    expect(own).toMatchObject({ clientCaFile: file('ca.pem'), client: { caFile: pki.caFile, certFile: undefined } });
  });
});

describe('the names clients are given', () => {
  it('dials a wildcard bind on loopback and anything else as given', () => {
    expect(grpcDialHost('0.0.0.0')).toBe('127.0.0.1');
    expect(grpcDialHost('::')).toBe('::1');
    expect(grpcDialHost('[::]')).toBe('::1');
    expect(grpcDialHost('192.0.2.7')).toBe('192.0.2.7');
    expect(grpcDialHost('core.example.com')).toBe('core.example.com');
  });

  it("lists a certificate's names without their types, IPv6 compressed", async () => {
    const ca = await CertificateAuthority.create();
    const issued = await ca.issue({
      commonName: 'x',
      dnsNames: ['localhost'],
      ips: ['127.0.0.1', '::1'],
      uris: ['sip:localhost'],
    });
    expect(certificateNames(new X509Certificate(issued.cert))).toEqual([
      'localhost',
      'sip:localhost',
      '127.0.0.1',
      '::1',
    ]);
    const bare = await ca.issue({ commonName: 'only-a-cn' });
    expect(certificateNames(new X509Certificate(bare.cert))).toEqual(['CN=only-a-cn']);
  });

  it('checks a certificate for the address when it names it, else localhost on loopback, else its first DNS name', async () => {
    const ca = await CertificateAuthority.create();
    const leaf = async (names: Parameters<CertificateAuthority['issue']>[0]): Promise<X509Certificate> =>
      new X509Certificate((await ca.issue(names)).cert);
    expect(serverNameFor(await leaf({ commonName: 'a', ips: ['127.0.0.1'] }), '127.0.0.1')).toBeUndefined();
    expect(serverNameFor(await leaf({ commonName: 'a', dnsNames: ['api.test', 'localhost'] }), '127.0.0.1')).toBe(
      'localhost',
    );
    expect(serverNameFor(await leaf({ commonName: 'a', dnsNames: ['api.test', 'localhost'] }), '192.0.2.1')).toBe(
      'api.test',
    );
    expect(serverNameFor(await leaf({ commonName: 'a', dnsNames: ['api.test'] }), 'api.test')).toBeUndefined();
    expect(serverNameFor(await leaf({ commonName: 'a' }), '127.0.0.1')).toBeUndefined();
  });

  it('trusts caFile only when it issued the chain', async () => {
    const ca = await CertificateAuthority.create();
    const other = await CertificateAuthority.create({ commonName: 'other' });
    const chain = [new X509Certificate((await ca.issue({ commonName: 'a' })).cert)];
    expect(trustFor(chain, 'chain.pem', { file: 'ca.pem', certificates: [new X509Certificate(ca.cert)] })).toBe(
      'ca.pem',
    );
    expect(
      trustFor(chain, 'chain.pem', { file: 'other.pem', certificates: [new X509Certificate(other.cert)] }),
    ).toBeUndefined();
    expect(trustFor([...chain, new X509Certificate(ca.cert)], 'chain.pem', undefined)).toBe('chain.pem');
  });
});

import { createServer as createH2Server } from 'node:http2';
import type { AddressInfo, Server } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { CertificateAuthority } from '@sipbreakout/sip-core/testing';
import { describe, expect, it } from 'vitest';
import { probeTls, splitAddress } from '../src/core-client.js';

async function listening(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('probeTls (--tls auto)', () => {
  it('finds TLS on a TLS server, whatever its certificate', async () => {
    const ca = await CertificateAuthority.create();
    const leaf = await ca.issue({ commonName: 'core.test', dnsNames: ['core.test'] });
    const server = createTlsServer({ cert: leaf.cert, key: leaf.key, ALPNProtocols: ['h2'] }, (s) => s.end());
    const address = await listening(server);
    expect(await probeTls(address)).toBe(true);
    server.close();
  });

  it('finds plaintext on a plaintext HTTP/2 server (as the core with grpc.tls.mode off)', async () => {
    const server = createH2Server();
    const address = await listening(server as unknown as Server);
    expect(await probeTls(address)).toBe(false);
    server.close();
  });

  it('knows nothing yet when nobody listens', async () => {
    const server = createH2Server();
    const address = await listening(server as unknown as Server);
    await new Promise((resolve) => server.close(resolve));
    expect(await probeTls(address)).toBeUndefined();
  });
});

describe('splitAddress', () => {
  it('reads host:port and [v6]:port, and refuses the rest', () => {
    expect(splitAddress('127.0.0.1:50051')).toEqual({ host: '127.0.0.1', port: 50051 });
    expect(splitAddress('[::1]:50051')).toEqual({ host: '::1', port: 50051 });
    expect(splitAddress('core.example:443')).toEqual({ host: 'core.example', port: 443 });
    for (const bad of ['core.example', ':80', 'h:0', 'h:70000', '::1:80'])
      expect(() => splitAddress(bad)).toThrow(/not host:port/);
  });
});

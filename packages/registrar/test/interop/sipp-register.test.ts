import { spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMessage, serializeMessage } from '@sipbreakout/sip-core';
import { CredentialStore, DigestAuthenticator, SipRegistrar } from '../../src/sip/index.js';
import { freePort } from '@sipbreakout/test-peers';

const scenario = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/sipp/register-digest.xml');

// SIPp (Debian's sip-tester, installed by .ci/setup.d/10-sipp.sh) is a client we did not write.
describe('SipRegistrar answering SIPp (interop)', () => {
  let socket: Socket;
  let port: number;
  let registrar: SipRegistrar;
  const seen: string[] = [];

  beforeAll(async () => {
    const credentials = new CredentialStore();
    credentials.addDomain('example.com');
    credentials.addEndpoint({ domain: 'example.com', user: 'alice', password: 'secret-a' });
    // SIPp 3.6 reads the first challenge only and knows MD5, not SHA-256: offer MD5 alone (a SHA-256-first challenge makes it fail).
    const authenticator = new DigestAuthenticator({ secret: Buffer.alloc(32, 3), algorithms: ['MD5'] });
    registrar = new SipRegistrar({ credentials, authenticator });
    // A tiny UDP server: datagram → parseMessage → registrar → serializeMessage → back to the sender.
    socket = createSocket('udp4');
    socket.on('message', (datagram, peer) => {
      const parsed = parseMessage(datagram);
      if (!parsed.ok || parsed.message.kind !== 'request') return;
      const response = registrar.handle(parsed.message);
      seen.push(`${parsed.message.method} → ${response.status}`);
      socket.send(serializeMessage(response), peer.port, peer.address);
    });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    port = socket.address().port;
  });

  afterAll(() => {
    socket?.close();
  });

  it('registers with Digest MD5 qop=auth: 401, then 200 with the binding', async () => {
    const localPort = await freePort('udp');
    // SIPp's Digest uri is sip:<remote ip>:<port> unless -auth_uri says otherwise; the registrar
    // refuses a uri that is not the Request-URI (RFC 7616 §3.4.6), so name the scenario's Request-URI.
    const child = spawn(
      'sipp',
      [
        `127.0.0.1:${port}`,
        '-sf',
        scenario,
        '-m',
        '1',
        '-i',
        '127.0.0.1',
        '-p',
        String(localPort),
        '-t',
        'u1',
        '-auth_uri',
        'example.com',
        '-timeout',
        '10s',
        '-timeout_error',
        '-nostdin',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', (error) =>
        reject(new Error(`sipp could not be started (is sip-tester installed?): ${error.message}`)),
      );
      child.once('exit', (exitCode) => resolve(exitCode));
    });
    expect(code, output.slice(-2000)).toBe(0);
    expect(seen).toEqual(['REGISTER → 401', 'REGISTER → 200']);
    const bindings = registrar.lookup('sip:alice@example.com');
    expect(bindings.map((b) => b.contactUri)).toEqual([`sip:alice@127.0.0.1:${localPort}`]);
  }, 20_000);
});

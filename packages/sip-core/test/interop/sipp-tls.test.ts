/**
 * SIPp over TLS. Debian's SIPp 3.6.1 is built without TLS, so Debian's
 * socat (OpenSSL) terminates TLS in front of it: SIPp ⇄ TCP ⇄ socat ⇄ TLS ⇄
 * us. Our TLS transport thus meets an independent TLS implementation and
 * SIPp's call flows at once. sipp and socat must be installed: without them
 * these tests fail.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CertificateAuthority, type PemPair } from '../../src/pki/index.js';
import { isTlsError } from '../../src/tls/tls-error.js';
import { TlsTransport } from '../../src/transport/tls-transport.js';
import { placeCalls } from './support/place-calls.js';
import { type Socat, startSocat, writePemFiles } from '@sipbreakout/test-peers';
import { freePort, requireSipp, requireSocat, runSipp, sippPorts, sippScenario } from '@sipbreakout/test-peers';
import { TestUa } from './support/test-ua.js';

const scenario = sippScenario;
const DOMAIN = 'sip.example.test';

let ca: CertificateAuthority;
let server: PemPair;
let client: PemPair;
let impostor: PemPair;
let pem: Awaited<ReturnType<typeof writePemFiles>>;
let ua: TestUa | undefined;
let socat: Socat | undefined;

beforeAll(async () => {
  requireSipp();
  requireSocat();
  ca = await CertificateAuthority.create();
  server = await ca.issue({ commonName: DOMAIN, uris: [`sip:${DOMAIN}`], dnsNames: [DOMAIN] });
  client = await ca.issue({
    commonName: 'client.example.test',
    uris: ['sip:client.example.test'],
    dnsNames: ['client.example.test'],
  });
  impostor = await ca.issue({
    commonName: 'other.example.test',
    uris: ['sip:other.example.test'],
    dnsNames: ['other.example.test'],
  });
  pem = await writePemFiles({
    'ca.pem': ca.cert,
    'server.pem': server.cert,
    'server.key': server.key,
    'client.pem': client.cert,
    'client.key': client.key,
    'impostor.pem': impostor.cert,
    'impostor.key': impostor.key,
  });
});

afterEach(async () => {
  await ua?.close();
  ua = undefined;
  await socat?.stop();
  socat = undefined;
});

afterAll(async () => {
  await pem?.remove();
});

describe('interop over TLS: SIPp behind socat (OpenSSL)', () => {
  it('our UAS answers 200 calls at 100 calls/s from SIPp as UAC; OpenSSL verifies our certificate for the domain and we require its client certificate', async () => {
    ua = new TestUa([
      new TlsTransport({ port: 0, ca: ca.cert, cert: server.cert, key: server.key, requireClientCertificate: true }),
    ]);
    await ua.listen();
    const ourPort = ua.transport.transports[0]!.local.port;
    const relay = await freePort('tcp');
    socat = await startSocat(
      `TCP-LISTEN:${relay},bind=127.0.0.1,reuseaddr,fork`,
      `OPENSSL:127.0.0.1:${ourPort},cafile=${pem.path('ca.pem')},cert=${pem.path('client.pem')},key=${pem.path('client.key')},verify=1,commonname=${DOMAIN}`,
      60,
    );
    const p = await sippPorts();
    const result = await runSipp(
      [
        '-sf',
        scenario('uac-txn.xml'),
        `127.0.0.1:${relay}`,
        '-t',
        't1',
        '-i',
        '127.0.0.1',
        '-p',
        String(p.sip),
        '-cp',
        String(p.control),
        '-mp',
        String(p.media),
        '-m',
        '200',
        '-r',
        '100',
        '-timeout',
        '30s',
        '-timeout_error',
      ],
      40,
    );
    expect(result.timedOut, result.output.slice(-2000)).toBe(false);
    expect(result.exitCode, `${result.output.slice(-2000)}\n${socat.output().slice(-1000)}`).toBe(0);
    expect(result.successful).toBe(200);
    expect(result.failed).toBe(0);
    expect(ua.counters.invites).toBe(200);
    expect(ua.counters.byes).toBe(200);
    expect(ua.pendingAcks).toBe(0);
  }, 60_000);

  it('our UAC places 200 calls at 100 calls/s to SIPp as UAS; we verify that OpenSSL presents a certificate for the domain (RFC 5922)', async () => {
    ua = new TestUa([new TlsTransport({ port: 0, ca: ca.cert, cert: client.cert, key: client.key })]);
    await ua.listen();
    const p = await sippPorts();
    const relay = await freePort('tcp');
    const sipp = runSipp(
      [
        '-sf',
        scenario('uas-ack-optional.xml'),
        '-t',
        't1',
        '-i',
        '127.0.0.1',
        '-p',
        String(p.sip),
        '-cp',
        String(p.control),
        '-mp',
        String(p.media),
        '-m',
        '200',
        '-timeout',
        '30s',
        '-timeout_error',
      ],
      40,
    );
    socat = await startSocat(
      `OPENSSL-LISTEN:${relay},bind=127.0.0.1,reuseaddr,fork,cert=${pem.path('server.pem')},key=${pem.path('server.key')},cafile=${pem.path('ca.pem')},verify=1`,
      `TCP:127.0.0.1:${p.sip}`,
      60,
    );
    // SIPp binds within milliseconds; give it a moment before the first INVITE.
    await new Promise((r) => setTimeout(r, 500));
    const u = ua;
    const results = await Promise.race([
      placeCalls(u, { protocol: 'TLS', host: '127.0.0.1', port: relay, serverName: DOMAIN }, 200, 100, 50),
      new Promise<never>((_, reject) =>
        setTimeout(
          () => reject(new Error(`calls stuck: ${JSON.stringify({ c: u.counters, s: u.transactions.stateCounts() })}`)),
          35_000,
        ),
      ),
    ]);
    const result = await sipp;
    expect(results.filter((r) => r.status === 200 && r.byeStatus === 200).length, JSON.stringify(ua.counters)).toBe(
      200,
    );
    expect(result.timedOut, result.output.slice(-2000)).toBe(false);
    expect(result.exitCode, result.output.slice(-2000)).toBe(0);
    expect(result.successful).toBe(200);
    // One TLS connection carried every call.
    expect(socat.output().match(/starting data transfer loop/g)?.length ?? 0).toBe(1);
  }, 60_000);

  it('refuses an OpenSSL server whose certificate names another domain, with TLS_ERR_IDENTITY_MISMATCH', async () => {
    const relay = await freePort('tcp');
    const sink = await freePort('tcp');
    socat = await startSocat(
      `OPENSSL-LISTEN:${relay},bind=127.0.0.1,reuseaddr,fork,cert=${pem.path('impostor.pem')},key=${pem.path('impostor.key')},verify=0`,
      `TCP:127.0.0.1:${sink}`,
      20,
    );
    const transport = new TlsTransport({ port: 0, ca: ca.cert });
    await transport.listen();
    try {
      const error = await transport
        .send(Buffer.from('OPTIONS sips:x SIP/2.0\r\n\r\n'), {
          protocol: 'TLS',
          host: '127.0.0.1',
          port: relay,
          serverName: DOMAIN,
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(isTlsError(error, 'TLS_ERR_IDENTITY_MISMATCH'), String(error)).toBe(true);
    } finally {
      await transport.close();
    }
  }, 20_000);
});

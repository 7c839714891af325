import { X509Certificate } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { credentials, status, type ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildDescriptorSet,
  SipBreakoutClient,
  type SipBreakoutClientOptions,
  type UpsertRegistrationRequest,
} from '@sipbreakout/grpc-api';
import { CertificateAuthority } from '@sipbreakout/sip-core/testing';
import { bufExecutable } from '../../src/first-registration-commands.js';
import { ephemeralEnv, MAIN, PACKAGE_DIR, runShell, startCore, type CoreProcess } from '../support/core-process.js';
import { requirePythonGrpc, runPython, sample } from '@sipbreakout/test-peers';

const PYTHON_CLIENT = fileURLToPath(new URL('./python/upsert_registration.py', import.meta.url));
const UPSERT_PATH = '/wgtwo.sipbreakout.v1.SipBreakoutService/UpsertRegistration';

const upsert = (e164: string): UpsertRegistrationRequest => ({
  registration: { sipUri: 'sips:tas.example.com', routeType: 'ROUTE_TYPE_LOOP', phoneNumber: { e164 } },
});

/** buf from the package's devDependency; the test fails (never skips) without it. */
function requireBuf(): string {
  const buf = bufExecutable();
  if (!existsSync(buf)) throw new Error(`buf is missing at ${buf}: run pnpm install (devDependency @bufbuild/buf)`);
  return buf;
}

/** TLS for one Python grpcio call; absent: plaintext. */
interface PythonTls {
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly serverName?: string;
}

interface PythonOutcome {
  readonly ok: boolean;
  readonly response?: Record<string, unknown>;
  readonly code?: string;
  readonly details?: string;
}

/** A call through our SipBreakoutClient; resolves with the response's status code, or the gRPC status it failed with. */
async function viaOurClient(options: SipBreakoutClientOptions, e164: string): Promise<string | number> {
  const client = new SipBreakoutClient(options);
  try {
    return (await client.upsertRegistration(upsert(e164), { deadline: Date.now() + 5000 })).statusCode;
  } catch (error) {
    return (error as ServiceError).code;
  } finally {
    client.close();
  }
}

/** Inserts `flags` into a printed command just before its `-H` (buf curl) or `--token-file` (register.js). */
function withFlags(command: string, before: string, flags: string): string {
  expect(command).toContain(` ${before} `);
  return command.replace(` ${before} `, ` ${flags} ${before} `);
}

describe('the gRPC API over TLS, the core run as users run it (node dist/main.js)', () => {
  let dir: string;
  let buf: string;
  let python: string;
  let descriptorSet: string;

  beforeAll(async () => {
    buf = requireBuf();
    python = requirePythonGrpc();
    dir = await mkdtemp(join(tmpdir(), 'breakout-core-grpc-tls-'));
    descriptorSet = join(dir, 'sipbreakout.binpb');
    await writeFile(descriptorSet, buildDescriptorSet().encodedSet);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** One UpsertRegistration through Python's grpcio; `tls` undefined: an insecure channel. */
  const viaPython = async (
    address: string,
    token: string,
    e164: string,
    tls: PythonTls | undefined,
  ): Promise<PythonOutcome> =>
    JSON.parse(
      await runPython(
        python,
        [PYTHON_CLIENT, descriptorSet, address],
        JSON.stringify({ token, request: upsert(e164), tls }),
      ),
    ) as PythonOutcome;

  /** buf curl with the schema from our descriptor set, so that a refused connection shows as itself and not as "no such service". */
  const bufWithSchema = (args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile(
        buf,
        ['curl', '--protocol', 'grpc', '--schema', descriptorSet, '--timeout', '10s', ...args],
        { timeout: 20_000 },
        (error, stdout, stderr) =>
          resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr }),
      );
    });

  describe('grpc.tls.mode dev', () => {
    const dataDir = (): string => join(dir, 'dev-data');
    let serverPem = '';

    it('serves TLS with a certificate of the development CA; the printed buf curl and register.js commands work as pasted; plaintext is refused', async () => {
      const core: CoreProcess = await startCore(ephemeralEnv(dataDir(), { SIPBREAKOUT_GRPC_TLS_MODE: 'dev' }), dir);
      try {
        const { ready } = core;
        const caFile = join(dataDir(), 'tls', 'dev-ca.pem');
        const certFile = join(dataDir(), 'tls', 'grpc-server.pem');
        expect(ready.grpcTls).toMatchObject({ mode: 'dev', certFile, clientCertificate: 'none', client: { caFile } });
        expect(ready.grpcTls?.names).toEqual(['localhost', '127.0.0.1', '::1']);
        expect(core.logs.some((l) => l['msg'] === 'grpc development certificate generated')).toBe(true);
        expect(core.logs.find((l) => l['msg'] === 'grpc listening')).toMatchObject({
          tls: 'dev',
          clientCertificate: 'none',
        });
        const banner = core.stderr();
        expect(banner).toMatch(new RegExp(`gRPC API +${ready.grpc.replace(/\./g, '\\.')} +\\(TLS;`));
        expect(banner).toContain(`development certificate ${certFile} for localhost, 127.0.0.1, ::1`);
        expect(banner).toContain(`clients check it with ${caFile}`);

        // The certificate: issued by the development CA, for loopback by name and address; its key private.
        serverPem = await readFile(certFile, 'utf8');
        const leaf = new X509Certificate(serverPem);
        expect(leaf.verify(new X509Certificate(await readFile(caFile, 'utf8')).publicKey)).toBe(true);
        expect(leaf.checkHost('localhost')).toBe('localhost');
        expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
        expect(leaf.checkIP('::1')).toBe('::1');

        // The printed buf curl command (a client we did not write, Go's TLS), pasted into a shell: https, the development CA.
        expect(ready.commands.bufCurl).toContain(`--cacert ${caFile}`);
        expect(ready.commands.bufCurl).toContain(`https://${ready.grpc}${UPSERT_PATH}`);
        expect(ready.commands.bufCurl).not.toContain('--http2-prior-knowledge');
        const pastedBuf = await runShell(ready.commands.bufCurl, dir);
        expect(pastedBuf.stderr).toBe('');
        expect(pastedBuf.code).toBe(0);
        expect(JSON.parse(pastedBuf.stdout)).toMatchObject({ statusCode: 'STATUS_CODE_OK', timeToLive: '3600s' });

        // The printed register.js command (our SipBreakoutClient over grpc-js's TLS).
        expect(ready.commands.node).toContain(`--ca-file ${caFile}`);
        const pastedNode = await runShell(ready.commands.node, dir);
        expect(pastedNode.stderr).toBe('');
        expect(pastedNode.code).toBe(0);
        expect(JSON.parse(pastedNode.stdout)).toMatchObject({ statusCode: 'STATUS_CODE_OK' });

        const token = (await readFile(ready.tokenFile, 'utf8')).trim();
        // Python grpcio (gRPC's C core and BoringSSL/OpenSSL), trusting the development CA.
        expect(await viaPython(ready.grpc, token, '+4799990101', { caFile })).toMatchObject({
          ok: true,
          response: { statusCode: 'STATUS_CODE_OK' },
        });

        // Plaintext clients are refused by the TLS port: ours, buf curl over h2c, Python's insecure channel.
        expect(await viaOurClient({ address: ready.grpc, token }, '+4799990102')).toBe(status.UNAVAILABLE);
        const plainBuf = await bufWithSchema([
          '--http2-prior-knowledge',
          '-H',
          `Authorization: Bearer ${token}`,
          '-d',
          JSON.stringify(upsert('+4799990103')),
          `http://${ready.grpc}${UPSERT_PATH}`,
        ]);
        expect(plainBuf.code).not.toBe(0);
        expect(plainBuf.stdout).toBe('');
        expect(await viaPython(ready.grpc, token, '+4799990104', undefined)).toMatchObject({
          ok: false,
          code: 'UNAVAILABLE',
        });

        // TLS clients that do not trust the development CA refuse the server.
        const untrustingBuf = await bufWithSchema([
          '-H',
          `Authorization: Bearer ${token}`,
          '-d',
          JSON.stringify(upsert('+4799990105')),
          `https://${ready.grpc}${UPSERT_PATH}`,
        ]);
        expect(untrustingBuf.code).not.toBe(0);
        expect(untrustingBuf.stderr).toMatch(/certificate/i);
        expect(
          await viaOurClient({ address: ready.grpc, token, credentials: credentials.createSsl() }, '+4799990106'),
        ).toBe(status.UNAVAILABLE);
        expect(await viaPython(ready.grpc, token, '+4799990107', {})).toMatchObject({ ok: false, code: 'UNAVAILABLE' });

        // Our typed client with the development CA: the same API over TLS.
        expect(
          await viaOurClient(
            { address: ready.grpc, token, credentials: credentials.createSsl(await readFile(caFile)) },
            '+4799990108',
          ),
        ).toBe('STATUS_CODE_OK');

        const metrics = await (await fetch(`http://${ready.http}/metrics`)).text();
        // buf curl, register.js, Python and our client: 4 calls through TLS reached the API; no plaintext one did.
        expect(sample(metrics, 'sipbreakout_grpc_calls_total', { method: `${UPSERT_PATH}`, status: 'OK' })).toBe(4);
        expect(sample(metrics, 'sipbreakout_registrations', { route_type: 'LOOP' })).toBe(3);
      } finally {
        expect(await core.stop('SIGTERM')).toBe(0);
      }
    });

    it('reuses the gRPC certificate on restart; with client certificates required, issues a development client certificate and prints it in the commands', async () => {
      expect(serverPem).not.toBe('');
      const core = await startCore(
        ephemeralEnv(dataDir(), {
          SIPBREAKOUT_GRPC_TLS_MODE: 'dev',
          SIPBREAKOUT_GRPC_TLS_CLIENT_CERTIFICATE: 'require',
        }),
        dir,
      );
      try {
        const { ready } = core;
        const tlsDir = join(dataDir(), 'tls');
        expect(await readFile(join(tlsDir, 'grpc-server.pem'), 'utf8')).toBe(serverPem);
        expect(core.logs.some((l) => l['msg'] === 'development CA and certificate reused')).toBe(true);
        const clientCert = join(tlsDir, 'grpc-client.pem');
        const clientKey = join(tlsDir, 'grpc-client-key.pem');
        expect(ready.grpcTls).toMatchObject({
          clientCertificate: 'require',
          clientCaFile: join(tlsDir, 'dev-ca.pem'),
          client: { certFile: clientCert, keyFile: clientKey },
        });
        expect(core.stderr()).toContain(`client certificates required (CA ${join(tlsDir, 'dev-ca.pem')})`);

        expect(ready.commands.bufCurl).toContain(`--cert ${clientCert} --key ${clientKey}`);
        const pastedBuf = await runShell(ready.commands.bufCurl, dir);
        expect(pastedBuf.stderr).toBe('');
        expect(JSON.parse(pastedBuf.stdout)).toMatchObject({ statusCode: 'STATUS_CODE_OK' });
        expect(ready.commands.node).toContain(`--cert-file ${clientCert} --key-file ${clientKey}`);
        const pastedNode = await runShell(ready.commands.node, dir);
        expect(pastedNode.code).toBe(0);

        // Without the client certificate: refused.
        const token = (await readFile(ready.tokenFile, 'utf8')).trim();
        const caFile = join(tlsDir, 'dev-ca.pem');
        expect(
          await viaOurClient(
            { address: ready.grpc, token, credentials: credentials.createSsl(await readFile(caFile)) },
            '+4799990111',
          ),
        ).toBe(status.UNAVAILABLE);
        const withoutCertBuf = await bufWithSchema([
          '--cacert',
          caFile,
          '-H',
          `Authorization: Bearer ${token}`,
          '-d',
          JSON.stringify(upsert('+4799990110')),
          `https://${ready.grpc}${UPSERT_PATH}`,
        ]);
        expect(withoutCertBuf.code).not.toBe(0);
        expect(withoutCertBuf.stdout).toBe('');
        expect(await viaPython(ready.grpc, token, '+4799990112', { caFile })).toMatchObject({
          ok: false,
          code: 'UNAVAILABLE',
        });
        expect(
          await viaPython(ready.grpc, token, '+4799990113', { caFile, certFile: clientCert, keyFile: clientKey }),
        ).toMatchObject({ ok: true, response: { statusCode: 'STATUS_CODE_OK' } });
      } finally {
        expect(await core.stop('SIGINT')).toBe(0);
      }
    });
  });

  describe('grpc.tls.mode files', () => {
    let pem: (name: string) => string;

    beforeAll(async () => {
      const ca = await CertificateAuthority.create({ commonName: 'grpc test CA' });
      const rogue = await CertificateAuthority.create({ commonName: 'rogue CA' });
      const server = await ca.issue({ commonName: 'localhost', dnsNames: ['localhost'], ips: ['127.0.0.1'] });
      const named = await ca.issue({ commonName: 'grpc.core.test', dnsNames: ['grpc.core.test'] });
      const client = await ca.issue({ commonName: 'pbx-provider-1' });
      const rogueClient = await rogue.issue({ commonName: 'pbx-provider-1' });
      const pemDir = join(dir, 'pem');
      await mkdir(pemDir, { recursive: true });
      pem = (name) => join(pemDir, name);
      const files: Record<string, string> = {
        'ca.pem': ca.cert,
        'server.pem': server.cert,
        'server.key': server.key,
        'named.pem': named.cert,
        'named.key': named.key,
        'client.pem': client.cert,
        'client.key': client.key,
        'rogue-client.pem': rogueClient.cert,
        'rogue-client.key': rogueClient.key,
      };
      for (const [name, content] of Object.entries(files)) await writeFile(pem(name), content, { mode: 0o600 });
    });

    it('with mutual TLS required: a client without a certificate is refused, one with a certificate of the CA succeeds', async () => {
      const core = await startCore(
        ephemeralEnv(join(dir, 'files-data'), {
          SIPBREAKOUT_GRPC_TLS_MODE: 'files',
          SIPBREAKOUT_GRPC_TLS_CERT_FILE: pem('server.pem'),
          SIPBREAKOUT_GRPC_TLS_KEY_FILE: pem('server.key'),
          SIPBREAKOUT_GRPC_TLS_CA_FILE: pem('ca.pem'),
          SIPBREAKOUT_GRPC_TLS_CLIENT_CERTIFICATE: 'require',
        }),
        dir,
      );
      try {
        const { ready } = core;
        expect(ready.grpcTls).toMatchObject({
          mode: 'files',
          certFile: pem('server.pem'),
          clientCertificate: 'require',
          clientCaFile: pem('ca.pem'),
          client: { caFile: pem('ca.pem') },
        });
        expect(ready.grpcTls?.client.serverName).toBeUndefined();
        expect(ready.grpcTls?.client.certFile).toBeUndefined();
        expect(core.logs.some((l) => l['msg'] === 'grpc certificate loaded')).toBe(true);
        expect(core.stderr()).toContain(`The API requires a client certificate issued by a CA in ${pem('ca.pem')}`);
        const token = (await readFile(ready.tokenFile, 'utf8')).trim();
        const clientFlags = {
          buf: `--cert ${pem('client.pem')} --key ${pem('client.key')}`,
          node: `--cert-file ${pem('client.pem')} --key-file ${pem('client.key')}`,
        };

        // buf curl as printed (the CA, https) has no client certificate: refused. With one of the CA: registered.
        expect(ready.commands.bufCurl).toContain(`--cacert ${pem('ca.pem')}`);
        expect(ready.commands.bufCurl).toContain(`https://${ready.grpc}`);
        const refusedBuf = await runShell(ready.commands.bufCurl, dir);
        expect(refusedBuf.code).not.toBe(0);
        expect(refusedBuf.stdout).toBe('');
        // Through reflection buf only says the service is not found; with the schema given, the call itself fails. (Its
        // message depends on timing: TLS 1.3 sends the server's "certificate required" alert after the client's Finished.)
        const upsertArgs = [
          '-H',
          `Authorization: Bearer ${token}`,
          '-d',
          JSON.stringify(upsert('+4799990200')),
          `https://${ready.grpc}${UPSERT_PATH}`,
        ];
        const noCertificate = await bufWithSchema(['--cacert', pem('ca.pem'), ...upsertArgs]);
        expect(noCertificate.code).not.toBe(0);
        expect(noCertificate.stdout).toBe('');
        const acceptedBuf = await runShell(withFlags(ready.commands.bufCurl, '-H', clientFlags.buf), dir);
        expect(acceptedBuf.stderr).toBe('');
        expect(JSON.parse(acceptedBuf.stdout)).toMatchObject({ statusCode: 'STATUS_CODE_OK', timeToLive: '3600s' });
        // A certificate from a CA the core does not trust: refused.
        const rogueBuf = await runShell(
          withFlags(ready.commands.bufCurl, '-H', `--cert ${pem('rogue-client.pem')} --key ${pem('rogue-client.key')}`),
          dir,
        );
        expect(rogueBuf.code).not.toBe(0);
        expect(rogueBuf.stdout).toBe('');
        const rogueCertificate = await bufWithSchema([
          '--cacert',
          pem('ca.pem'),
          '--cert',
          pem('rogue-client.pem'),
          '--key',
          pem('rogue-client.key'),
          ...upsertArgs,
        ]);
        expect(rogueCertificate.code).not.toBe(0);
        expect(rogueCertificate.stdout).toBe('');
        const rogueClient = credentials.createSsl(
          await readFile(pem('ca.pem')),
          await readFile(pem('rogue-client.key')),
          await readFile(pem('rogue-client.pem')),
        );
        expect(await viaOurClient({ address: ready.grpc, token, credentials: rogueClient }, '+4799990207')).toBe(
          status.UNAVAILABLE,
        );

        // register.js the same way.
        expect(ready.commands.node).toContain(`--ca-file ${pem('ca.pem')}`);
        const refusedNode = await runShell(ready.commands.node, dir);
        expect(refusedNode.code).toBe(1);
        expect(refusedNode.stderr).toContain('UNAVAILABLE');
        const acceptedNode = await runShell(withFlags(ready.commands.node, '--token-file', clientFlags.node), dir);
        expect(acceptedNode.stderr).toBe('');
        expect(acceptedNode.code).toBe(0);

        // Python grpcio: without a client certificate refused, with one registered.
        const caFile = pem('ca.pem');
        expect(await viaPython(ready.grpc, token, '+4799990201', { caFile })).toMatchObject({
          ok: false,
          code: 'UNAVAILABLE',
        });
        expect(
          await viaPython(ready.grpc, token, '+4799990202', {
            caFile,
            certFile: pem('client.pem'),
            keyFile: pem('client.key'),
          }),
        ).toMatchObject({
          ok: true,
          response: { statusCode: 'STATUS_CODE_OK' },
        });

        // Our client: without and with the certificate; plaintext refused.
        const ca = await readFile(caFile);
        expect(
          await viaOurClient({ address: ready.grpc, token, credentials: credentials.createSsl(ca) }, '+4799990203'),
        ).toBe(status.UNAVAILABLE);
        const mutual = credentials.createSsl(ca, await readFile(pem('client.key')), await readFile(pem('client.pem')));
        expect(await viaOurClient({ address: ready.grpc, token, credentials: mutual }, '+4799990204')).toBe(
          'STATUS_CODE_OK',
        );
        expect(await viaOurClient({ address: ready.grpc, token }, '+4799990205')).toBe(status.UNAVAILABLE);

        // The certificate admits a client to the connection, not to the API: the bearer token is still checked.
        expect(
          await viaOurClient({ address: ready.grpc, token: 'not-a-token', credentials: mutual }, '+4799990206'),
        ).toBe(status.UNAUTHENTICATED);

        const metrics = await (await fetch(`http://${ready.http}/metrics`)).text();
        expect(sample(metrics, 'sipbreakout_grpc_calls_total', { method: UPSERT_PATH, status: 'OK' })).toBe(4);
      } finally {
        expect(await core.stop('SIGTERM')).toBe(0);
      }
    });

    it('with a certificate that does not name the address dialled: the printed commands check it for its DNS name', async () => {
      const core = await startCore(
        ephemeralEnv(join(dir, 'named-data'), {
          SIPBREAKOUT_GRPC_TLS_MODE: 'files',
          SIPBREAKOUT_GRPC_TLS_CERT_FILE: pem('named.pem'),
          SIPBREAKOUT_GRPC_TLS_KEY_FILE: pem('named.key'),
          SIPBREAKOUT_GRPC_TLS_CA_FILE: pem('ca.pem'),
        }),
        dir,
      );
      try {
        const { ready } = core;
        expect(ready.grpcTls).toMatchObject({
          clientCertificate: 'none',
          client: { caFile: pem('ca.pem'), serverName: 'grpc.core.test' },
        });
        expect(ready.commands.bufCurl).toContain('--servername grpc.core.test');
        expect(ready.commands.node).toContain('--server-name grpc.core.test');
        const pastedBuf = await runShell(ready.commands.bufCurl, dir);
        expect(pastedBuf.stderr).toBe('');
        expect(JSON.parse(pastedBuf.stdout)).toMatchObject({ statusCode: 'STATUS_CODE_OK' });
        const pastedNode = await runShell(ready.commands.node, dir);
        expect(pastedNode.stderr).toBe('');
        expect(pastedNode.code).toBe(0);
        // Checked for the address instead, the certificate does not match.
        const token = (await readFile(ready.tokenFile, 'utf8')).trim();
        expect(
          await viaOurClient(
            { address: ready.grpc, token, credentials: credentials.createSsl(await readFile(pem('ca.pem'))) },
            '+4799990301',
          ),
        ).toBe(status.UNAVAILABLE);
      } finally {
        expect(await core.stop('SIGTERM')).toBe(0);
      }
    });

    it("refuses a key that is not the certificate's: exit code 2, the key named, no stack trace, before the store opens", async () => {
      const env = Object.entries(
        ephemeralEnv(join(dir, 'mismatch-data'), {
          SIPBREAKOUT_GRPC_TLS_MODE: 'files',
          SIPBREAKOUT_GRPC_TLS_CERT_FILE: pem('server.pem'),
          SIPBREAKOUT_GRPC_TLS_KEY_FILE: pem('client.key'),
        }),
      )
        .map(([name, value]) => `${name}=${value}`)
        .join(' ');
      const result = await runShell(`${env} node ${MAIN}`, PACKAGE_DIR);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `sipbreakout: invalid configuration\n  grpc.tls.keyFile (env SIPBREAKOUT_GRPC_TLS_KEY_FILE): "${pem('client.key')}" is not the key of the first certificate in grpc.tls.certFile`,
      );
      expect(result.stderr).not.toMatch(/\n\s+at /);
      // Checked before anything is written: not even the data folder exists.
      expect(existsSync(join(dir, 'mismatch-data'))).toBe(false);
      const missing = await runShell(`${env.replace(pem('client.key'), pem('missing.key'))} node ${MAIN}`, PACKAGE_DIR);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain(
        `grpc.tls.keyFile (env SIPBREAKOUT_GRPC_TLS_KEY_FILE): "${pem('missing.key')}" cannot be read (ENOENT)`,
      );
    });
  });

  it('refuses plaintext gRPC on a non-loopback host with exit code 2, naming the key, without a stack trace', async () => {
    const result = await runShell(
      `SIPBREAKOUT_DATA_DIR=${join(dir, 'refused-data')} SIPBREAKOUT_GRPC_HOST=0.0.0.0 node ${MAIN}`,
      PACKAGE_DIR,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'grpc.host (env SIPBREAKOUT_GRPC_HOST): "0.0.0.0" is not a loopback address and grpc.tls.mode is off',
    );
    expect(result.stderr).toContain('grpc.allowPlaintext');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

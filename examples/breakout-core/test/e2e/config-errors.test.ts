import dgram from 'node:dgram';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateAuthority } from '@sipbreakout/sip-core/testing';
import { ephemeralEnv, runCoreToExit, type CoreExit } from '../support/core-process.js';

/** The variable of each port key (the ephemeral environment sets them all to 0). */
const PORT_VARIABLES = {
  'sip.mobile.udpPort': 'SIPBREAKOUT_SIP_MOBILE_UDP_PORT',
  'sip.mobile.tcpPort': 'SIPBREAKOUT_SIP_MOBILE_TCP_PORT',
  'sip.tas.tlsPort': 'SIPBREAKOUT_SIP_TAS_TLS_PORT',
  'grpc.port': 'SIPBREAKOUT_GRPC_PORT',
  'http.port': 'SIPBREAKOUT_HTTP_PORT',
} as const;

function withoutVariables(env: Record<string, string>, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !names.includes(name)));
}

describe('a bad configuration, the core run as users run it (node dist/main.js)', () => {
  let dir: string;
  let runs = 0;
  const pem = (name: string): string => join(dir, 'pem', name);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'breakout-core-config-errors-'));
    await mkdir(join(dir, 'pem', 'a-folder.pem'), { recursive: true });
    const ca = await CertificateAuthority.create({ commonName: 'config test CA' });
    const tas = await ca.issue({ commonName: 'localhost', dnsNames: ['localhost'], ips: ['127.0.0.1'] });
    const other = await ca.issue({ commonName: 'someone else' });
    const files: Record<string, string> = {
      'ca.pem': ca.cert,
      'tas.pem': tas.cert,
      'tas.key': tas.key,
      'other.key': other.key,
      'garbage.pem': 'not a certificate, not a key\n',
      'jwks.json': '{"keys": "none"}\n',
    };
    for (const [name, content] of Object.entries(files)) await writeFile(pem(name), content, { mode: 0o600 });
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A data folder path that does not exist yet. */
  const freshDataDir = (): string => join(dir, `data-${++runs}`);

  /** A configuration file holding `content`. */
  const configFile = async (content: unknown): Promise<string> => {
    const file = join(dir, `config-${++runs}.json`);
    await writeFile(file, JSON.stringify(content));
    return file;
  };

  /**
   * Exit code 2, `expected` on stderr after the headline, no stack trace, and
   * the data folder never created.
   */
  const expectRefused = (result: CoreExit, expected: string, dataDir: string): void => {
    expect(result.stderr).toContain(`sipbreakout: invalid configuration\n  ${expected}`);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr).not.toContain('Error:');
    expect(existsSync(dataDir)).toBe(false);
  };

  describe('the TLS files of the TAS face, the gRPC API and the token keys', () => {
    it.each<[string, Record<string, string>, string]>([
      [
        'a sip.tas.certFile that does not exist',
        { SIPBREAKOUT_SIP_TAS_CERT_FILE: 'missing.pem', SIPBREAKOUT_SIP_TAS_KEY_FILE: 'tas.key' },
        'sip.tas.certFile (env SIPBREAKOUT_SIP_TAS_CERT_FILE): "PEM/missing.pem" cannot be read (ENOENT)',
      ],
      [
        'a sip.tas.keyFile that does not exist',
        { SIPBREAKOUT_SIP_TAS_CERT_FILE: 'tas.pem', SIPBREAKOUT_SIP_TAS_KEY_FILE: 'missing.key' },
        'sip.tas.keyFile (env SIPBREAKOUT_SIP_TAS_KEY_FILE): "PEM/missing.key" cannot be read (ENOENT)',
      ],
      [
        'a sip.tas.caFile that does not exist',
        { SIPBREAKOUT_SIP_TAS_CA_FILE: 'missing-ca.pem' },
        'sip.tas.caFile (env SIPBREAKOUT_SIP_TAS_CA_FILE): "PEM/missing-ca.pem" cannot be read (ENOENT)',
      ],
      [
        'a sip.tas.certFile that is a folder',
        { SIPBREAKOUT_SIP_TAS_CERT_FILE: 'a-folder.pem', SIPBREAKOUT_SIP_TAS_KEY_FILE: 'tas.key' },
        'sip.tas.certFile (env SIPBREAKOUT_SIP_TAS_CERT_FILE): "PEM/a-folder.pem" is a folder, not a file',
      ],
      [
        'a sip.tas.certFile that holds no certificate',
        { SIPBREAKOUT_SIP_TAS_CERT_FILE: 'garbage.pem', SIPBREAKOUT_SIP_TAS_KEY_FILE: 'tas.key' },
        'sip.tas.certFile (env SIPBREAKOUT_SIP_TAS_CERT_FILE): "PEM/garbage.pem" holds no PEM certificate',
      ],
      [
        'a sip.tas.keyFile that holds no key',
        { SIPBREAKOUT_SIP_TAS_CERT_FILE: 'tas.pem', SIPBREAKOUT_SIP_TAS_KEY_FILE: 'garbage.pem' },
        'sip.tas.keyFile (env SIPBREAKOUT_SIP_TAS_KEY_FILE): "PEM/garbage.pem" is not a PEM private key',
      ],
      [
        "a sip.tas.keyFile that is not the certificate's",
        { SIPBREAKOUT_SIP_TAS_CERT_FILE: 'tas.pem', SIPBREAKOUT_SIP_TAS_KEY_FILE: 'other.key' },
        'sip.tas.keyFile (env SIPBREAKOUT_SIP_TAS_KEY_FILE): "PEM/other.key" is not the key of the first certificate in sip.tas.certFile (PEM/tas.pem)',
      ],
      [
        'a sip.tas.caFile that holds no certificate',
        { SIPBREAKOUT_SIP_TAS_CA_FILE: 'garbage.pem' },
        'sip.tas.caFile (env SIPBREAKOUT_SIP_TAS_CA_FILE): "PEM/garbage.pem" holds no PEM certificate',
      ],
      [
        'a grpc.tls.certFile that does not exist',
        {
          SIPBREAKOUT_GRPC_TLS_MODE: 'files',
          SIPBREAKOUT_GRPC_TLS_CERT_FILE: 'missing.pem',
          SIPBREAKOUT_GRPC_TLS_KEY_FILE: 'tas.key',
        },
        'grpc.tls.certFile (env SIPBREAKOUT_GRPC_TLS_CERT_FILE): "PEM/missing.pem" cannot be read (ENOENT)',
      ],
      [
        'a grpc.tls.caFile that is a folder',
        {
          SIPBREAKOUT_GRPC_TLS_MODE: 'dev',
          SIPBREAKOUT_GRPC_TLS_CLIENT_CERTIFICATE: 'require',
          SIPBREAKOUT_GRPC_TLS_CA_FILE: 'a-folder.pem',
        },
        'grpc.tls.caFile (env SIPBREAKOUT_GRPC_TLS_CA_FILE): "PEM/a-folder.pem" is a folder, not a file',
      ],
      [
        'an auth.jwksFile that does not exist',
        { SIPBREAKOUT_AUTH_JWKS_FILE: 'missing.json' },
        'auth.jwksFile (env SIPBREAKOUT_AUTH_JWKS_FILE): "PEM/missing.json" cannot be read (ENOENT)',
      ],
      [
        'an auth.jwksFile that holds no JWKS',
        { SIPBREAKOUT_AUTH_JWKS_FILE: 'jwks.json' },
        'auth.jwksFile (env SIPBREAKOUT_AUTH_JWKS_FILE): "PEM/jwks.json" does not hold a JWKS',
      ],
    ])(
      'refuses %s: exit code 2, the key, its variable and the file, nothing written',
      async (_what, variables, expected) => {
        const dataDir = freshDataDir();
        // Relative paths are read from the folder the core was started in.
        const result = await runCoreToExit(ephemeralEnv(dataDir, variables), join(dir, 'pem'));
        expectRefused(result, expected.replaceAll('PEM/', `${join(dir, 'pem')}/`), dataDir);
      },
    );

    it('names the configuration file a file key was set in', async () => {
      const dataDir = freshDataDir();
      const config = await configFile({
        sip: { tas: { caFile: pem('missing-ca.pem') } },
        grpc: { tls: { mode: 'files', certFile: pem('tas.pem'), keyFile: pem('other.key') } },
      });
      const result = await runCoreToExit(ephemeralEnv(dataDir), dir, ['--config', config]);
      expectRefused(
        result,
        `sip.tas.caFile (file ${config}): "${pem('missing-ca.pem')}" cannot be read (ENOENT)`,
        dataDir,
      );
      // Once the TAS face's files are right, the gRPC API's are checked the same way.
      const fixed = await configFile({
        sip: { tas: { caFile: pem('ca.pem') } },
        grpc: { tls: { mode: 'files', certFile: pem('tas.pem'), keyFile: pem('other.key') } },
      });
      expectRefused(
        await runCoreToExit(ephemeralEnv(dataDir), dir, ['--config', fixed]),
        `grpc.tls.keyFile (file ${fixed}): "${pem('other.key')}" is not the key of the first certificate in grpc.tls.certFile`,
        dataDir,
      );
    });

    it('leaves an empty data folder empty: no development CA, signing key or journal before the check', async () => {
      const dataDir = freshDataDir();
      await mkdir(dataDir);
      const result = await runCoreToExit(
        ephemeralEnv(dataDir, {
          SIPBREAKOUT_SIP_TAS_CERT_FILE: pem('missing.pem'),
          SIPBREAKOUT_SIP_TAS_KEY_FILE: pem('tas.key'),
        }),
        dir,
      );
      expect(result.stderr).toContain(
        `sip.tas.certFile (env SIPBREAKOUT_SIP_TAS_CERT_FILE): "${pem('missing.pem')}" cannot be read (ENOENT)`,
      );
      expect(result.code).toBe(2);
      expect(await readdir(dataDir)).toEqual([]);
    });

    it('refuses a data folder that is a file, naming dataDir', async () => {
      const result = await runCoreToExit(ephemeralEnv(pem('tas.pem')), dir);
      expect(result.stderr).toContain(`dataDir (env SIPBREAKOUT_DATA_DIR): "${pem('tas.pem')}" is not a folder`);
      expect(result.code).toBe(2);
    });
  });

  describe('numbers, booleans, choices and keys', () => {
    it.each<[string, Record<string, string>, string]>([
      [
        'a port that is not a number',
        { SIPBREAKOUT_SIP_MOBILE_UDP_PORT: 'abc' },
        'sip.mobile.udpPort (env SIPBREAKOUT_SIP_MOBILE_UDP_PORT): "abc" is not a port: must be an integer 0-65535',
      ],
      [
        'a port that is not an integer',
        { SIPBREAKOUT_GRPC_PORT: '5060.5' },
        'grpc.port (env SIPBREAKOUT_GRPC_PORT): "5060.5" is not a port: must be an integer 0-65535',
      ],
      [
        'a port out of range',
        { SIPBREAKOUT_HTTP_PORT: '65536' },
        'http.port (env SIPBREAKOUT_HTTP_PORT): "65536" is not a port: must be an integer 0-65535',
      ],
      [
        'seconds that are not a number',
        { SIPBREAKOUT_GRPC_DRAIN_SECONDS: 'soon' },
        'grpc.drainSeconds (env SIPBREAKOUT_GRPC_DRAIN_SECONDS): "soon" is not a number of seconds: must be an integer of at least 0',
      ],
      [
        'a count that is not an integer',
        { SIPBREAKOUT_MEDIA_RELAY_ATTEMPTS: '2.5' },
        'mediaRelay.attempts (env SIPBREAKOUT_MEDIA_RELAY_ATTEMPTS): "2.5" is not a number of attempts: must be an integer 1-10',
      ],
      [
        'a boolean that is neither true nor false',
        { SIPBREAKOUT_GRPC_ALLOW_PLAINTEXT: 'yes' },
        'grpc.allowPlaintext (env SIPBREAKOUT_GRPC_ALLOW_PLAINTEXT): "yes" must be true or false',
      ],
      [
        'a choice that is not one',
        { SIPBREAKOUT_STORE: 'postgres' },
        'store.kind (env SIPBREAKOUT_STORE): "postgres" must be journal or redis',
      ],
      [
        'a variable that sets no key',
        { SIPBREAKOUT_SIP_PROT: '5060' },
        'SIPBREAKOUT_SIP_PROT: unknown variable (see the configuration table in examples/breakout-core/README.md)',
      ],
    ])('refuses %s from the environment', async (_what, variables, expected) => {
      const dataDir = freshDataDir();
      expectRefused(await runCoreToExit(ephemeralEnv(dataDir, variables), dir), expected, dataDir);
    });

    it.each<[string, unknown, string]>([
      [
        'a port that is not an integer',
        { sip: { mobile: { tcpPort: 5060.5 } } },
        'sip.mobile.tcpPort (file FILE): 5060.5 is not a port: must be an integer 0-65535',
      ],
      [
        'a port given as text',
        { grpc: { port: 'abc' } },
        'grpc.port (file FILE): "abc" is not a port: must be an integer 0-65535',
      ],
      [
        'a boolean given as text',
        { grpc: { allowPlaintext: 'true' } },
        'grpc.allowPlaintext (file FILE): "true" must be true or false',
      ],
      ['a misspelt key (sip.prot)', { sip: { prot: 5060 } }, 'sip.prot (file FILE): 5060 is not a key of sip (known: '],
      [
        'a misspelt section',
        { grcp: { port: 50051 } },
        'grcp (file FILE): {"port":50051} is not a key of the configuration (known: ',
      ],
    ])('refuses %s in the configuration file', async (_what, content, expected) => {
      const dataDir = freshDataDir();
      const config = await configFile(content);
      // The port keys come from the file here, not from the ephemeral variables.
      const env = withoutVariables(ephemeralEnv(dataDir), ['SIPBREAKOUT_SIP_MOBILE_TCP_PORT', 'SIPBREAKOUT_GRPC_PORT']);
      expectRefused(await runCoreToExit(env, dir, ['--config', config]), expected.replace('FILE', config), dataDir);
    });

    it('names the variable and the file it overrides when both set a port', async () => {
      const dataDir = freshDataDir();
      const config = await configFile({ http: { port: 9000 } });
      const result = await runCoreToExit(ephemeralEnv(dataDir, { SIPBREAKOUT_HTTP_PORT: 'x' }), dir, [
        '--config',
        config,
      ]);
      expectRefused(
        result,
        `http.port (env SIPBREAKOUT_HTTP_PORT, over file ${config}): "x" is not a port: must be an integer 0-65535`,
        dataDir,
      );
    });
  });

  describe('a port already in use', () => {
    let tcp: Server;
    let udp: dgram.Socket;
    let tcpPort: number;
    let udpPort: number;

    beforeAll(async () => {
      tcp = createServer();
      await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
      tcpPort = (tcp.address() as { port: number }).port;
      udp = dgram.createSocket('udp4');
      await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
      udpPort = udp.address().port;
    });

    afterAll(async () => {
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
      await new Promise<void>((resolve) => udp.close(() => resolve()));
    });

    it.each(Object.entries(PORT_VARIABLES))(
      'refuses %s on a port another process holds, naming the key and the address',
      async (key, variable) => {
        const dataDir = freshDataDir();
        const port = key === 'sip.mobile.udpPort' ? udpPort : tcpPort;
        const result = await runCoreToExit(ephemeralEnv(dataDir, { [variable]: String(port) }), dir);
        expectRefused(result, `${key} (env ${variable}): 127.0.0.1:${port} is already in use (EADDRINUSE)`, dataDir);
      },
    );

    it('names the configuration file a port in use was set in', async () => {
      const dataDir = freshDataDir();
      const config = await configFile({ sip: { mobile: { udpPort } } });
      const env = withoutVariables(ephemeralEnv(dataDir), ['SIPBREAKOUT_SIP_MOBILE_UDP_PORT']);
      expectRefused(
        await runCoreToExit(env, dir, ['--config', config]),
        `sip.mobile.udpPort (file ${config}): 127.0.0.1:${udpPort} is already in use (EADDRINUSE)`,
        dataDir,
      );
    });

    it('refuses two keys that name the same socket, naming both', async () => {
      const dataDir = freshDataDir();
      // A port that was free a moment ago: nothing else holds it, the two keys clash with each other.
      const probe = createServer();
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
      const port = (probe.address() as { port: number }).port;
      await new Promise<void>((resolve) => probe.close(() => resolve()));
      const result = await runCoreToExit(
        ephemeralEnv(dataDir, { SIPBREAKOUT_GRPC_PORT: String(port), SIPBREAKOUT_HTTP_PORT: String(port) }),
        dir,
      );
      expectRefused(
        result,
        `http.port (env SIPBREAKOUT_HTTP_PORT): 127.0.0.1:${port} is already taken by grpc.port (TCP 127.0.0.1:${port})`,
        dataDir,
      );
    });
  });
});

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TAS_FAILURE } from '../src/config-schema.js';
import { ENV_OVERRIDES } from '../src/env-overrides.js';
import { loadCoreConfig } from '../src/load-core-config.js';

const dir = mkdtempSync(join(tmpdir(), 'breakout-config-'));
const cwd = dir;

function withFile(content: unknown): string {
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

function errorsOf(result: ReturnType<typeof loadCoreConfig>): readonly string[] {
  return result.ok ? [] : result.errors.map((error) => error.message);
}

describe('loadCoreConfig', () => {
  it('needs no file: the embedded defaults are the documented ones', () => {
    const result = loadCoreConfig({ env: {}, cwd });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.file).toBeUndefined();
    expect(result.config).toEqual({
      dataDir: './.data',
      logLevel: 'info',
      sip: {
        domain: 'sipbreakout.invalid',
        mobile: { host: '127.0.0.1', udpPort: 5060, tcpPort: 5060, nextHop: 'sip:127.0.0.1:5080;transport=udp' },
        tas: { host: '127.0.0.1', tlsPort: 5061, clientCertificate: 'request' },
        retryAfterSeconds: 300,
        maxTransactions: 400_000,
      },
      // Plaintext on loopback: `pnpm start` needs nothing more; off loopback it is refused (below).
      grpc: {
        host: '127.0.0.1',
        port: 50051,
        drainSeconds: 10,
        allowPlaintext: false,
        tls: { mode: 'off', clientCertificate: 'none' },
      },
      http: { host: '127.0.0.1', port: 9090 },
      auth: { issuer: 'urn:sipbreakout:dev', audience: 'sipbreakout' },
      store: { kind: 'journal', redisUrl: 'redis://127.0.0.1:6379', ttlSeconds: 3600 },
      dns: {},
      // No mediaRelay.ng: no media relay, so the core starts without rtpengine.
      mediaRelay: { timeoutMs: 500, attempts: 3, onFailure: 'reject' },
      // The hub's own defaults.
      webTerminal: {
        terminalsPerNumber: 10,
        callsPerNumber: 4,
        messagesPerSecond: 20,
        maxSdpLength: 65_536,
        reattachGraceSeconds: 10,
      },
      routing: { fallbackTimeoutSeconds: 30, tasFailure: { ...DEFAULT_TAS_FAILURE } },
    });
  });

  it('reads a JSON file and keeps the defaults it does not set', () => {
    const file = withFile({
      grpc: { port: 6000 },
      store: { kind: 'redis', redisUrl: 'redis://127.0.0.1:7000' },
      auth: { clientNumbers: { pbx: ['+4799'] } },
    });
    const result = loadCoreConfig({ file, env: {}, cwd });
    expect(result.ok && result.config.grpc).toEqual({
      host: '127.0.0.1',
      port: 6000,
      drainSeconds: 10,
      allowPlaintext: false,
      tls: { mode: 'off', clientCertificate: 'none' },
    });
    expect(result.ok && result.config.store.kind).toBe('redis');
    expect(result.ok && result.config.auth.clientNumbers).toEqual({ pbx: ['+4799'] });
    expect(result.ok && result.file).toBe(file);
  });

  it('takes the file from SIPBREAKOUT_CONFIG when --config is not given', () => {
    const file = withFile({ logLevel: 'debug' });
    const result = loadCoreConfig({ env: { SIPBREAKOUT_CONFIG: file }, cwd });
    expect(result.ok && result.config.logLevel).toBe('debug');
  });

  it('lets environment overrides win over the file', () => {
    const file = withFile({ grpc: { port: 6000 }, sip: { mobile: { udpPort: 5070 } } });
    const result = loadCoreConfig({
      file,
      env: {
        SIPBREAKOUT_GRPC_PORT: '0',
        SIPBREAKOUT_SIP_MOBILE_TCP_PORT: '5072',
        SIPBREAKOUT_TAS_FAILURE_FALLBACK: 'bypass',
        SIPBREAKOUT_STORE: 'redis',
      },
      cwd,
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.grpc.port).toBe(0);
    expect(result.config.sip.mobile).toMatchObject({ udpPort: 5070, tcpPort: 5072 });
    expect(result.config.routing.tasFailure.FALLBACK).toBe('bypass');
    expect(result.config.store.kind).toBe('redis');
  });

  it.each([
    [
      { SIPBREAKOUT_GRPC_PORT: 'abc' },
      'grpc.port (env SIPBREAKOUT_GRPC_PORT): "abc" is not a port: must be an integer 0-65535',
    ],
    [
      { SIPBREAKOUT_GRPC_PORT: '70000' },
      'grpc.port (env SIPBREAKOUT_GRPC_PORT): "70000" is not a port: must be an integer 0-65535',
    ],
    [
      { SIPBREAKOUT_HTTP_PORT: '-1' },
      'http.port (env SIPBREAKOUT_HTTP_PORT): "-1" is not a port: must be an integer 0-65535',
    ],
    [{ SIPBREAKOUT_STORE: 'postgres' }, 'store.kind (env SIPBREAKOUT_STORE): "postgres" must be journal or redis'],
    [
      { SIPBREAKOUT_LOG_LEVEL: 'loud' },
      'logLevel (env SIPBREAKOUT_LOG_LEVEL): "loud" must be one of fatal, error, warn, info, debug, trace, silent',
    ],
    [
      { SIPBREAKOUT_TTL_SECONDS: '0' },
      'store.ttlSeconds (env SIPBREAKOUT_TTL_SECONDS): "0" is not a number of seconds: must be an integer of at least 1',
    ],
    [
      { SIPBREAKOUT_FALLBACK_TIMEOUT_SECONDS: '1.5' },
      'routing.fallbackTimeoutSeconds (env SIPBREAKOUT_FALLBACK_TIMEOUT_SECONDS): "1.5" is not a number of seconds',
    ],
    [
      { SIPBREAKOUT_TAS_FAILURE_LOOP: 'retry' },
      'routing.tasFailure.LOOP (env SIPBREAKOUT_TAS_FAILURE_LOOP): "retry" must be one of bypass, fail',
    ],
    [
      { SIPBREAKOUT_SIP_TAS_CLIENT_CERTIFICATE: 'maybe' },
      'sip.tas.clientCertificate (env SIPBREAKOUT_SIP_TAS_CLIENT_CERTIFICATE): "maybe" must be one of none, request, require',
    ],
    [
      { SIPBREAKOUT_SIP_MOBILE_NEXT_HOP: 'not a uri' },
      'sip.mobile.nextHop (env SIPBREAKOUT_SIP_MOBILE_NEXT_HOP): "not a uri" must be a sip: or sips: URI',
    ],
    [{ SIPBREAKOUT_SIP_MOBILE_NEXT_HOP: 'tel:+4799990000' }, 'must be a sip: or sips: URI'],
    [
      { SIPBREAKOUT_REDIS_URL: 'http://x' },
      'store.redisUrl (env SIPBREAKOUT_REDIS_URL): "http://x" must be a redis:// or rediss:// URL',
    ],
    [{ SIPBREAKOUT_AUTH_JWKS_URL: 'nope' }, 'auth.jwksUrl (env SIPBREAKOUT_AUTH_JWKS_URL): "nope" must be a URL'],
    [{ SIPBREAKOUT_GRPC_PROT: '1' }, 'SIPBREAKOUT_GRPC_PROT: unknown variable'],
    [
      { SIPBREAKOUT_DNS_SERVERS: 'ns.example.com:53' },
      'dns.servers.0 (env SIPBREAKOUT_DNS_SERVERS): "ns.example.com:53" must be an IP address, IPv4:port or [IPv6]:port',
    ],
    [{ SIPBREAKOUT_DNS_SERVERS: '127.0.0.1:70000' }, 'dns.servers.0 (env SIPBREAKOUT_DNS_SERVERS): "127.0.0.1:70000"'],
    [
      { SIPBREAKOUT_DNS_SERVERS: ' , ' },
      'dns.servers (env SIPBREAKOUT_DNS_SERVERS): " , " must name at least one server',
    ],
    [
      { SIPBREAKOUT_SIP_TAS_CERT_FILE: 'a.pem' },
      'sip.tas.keyFile (not set in env SIPBREAKOUT_SIP_TAS_KEY_FILE): is required with sip.tas.certFile',
    ],
    [
      { SIPBREAKOUT_MEDIA_RELAY_NG: 'localhost:2223' },
      'mediaRelay.ng (env SIPBREAKOUT_MEDIA_RELAY_NG): "localhost:2223" must be IPv4:port or [IPv6]:port',
    ],
    [{ SIPBREAKOUT_MEDIA_RELAY_NG: '127.0.0.1' }, 'mediaRelay.ng (env SIPBREAKOUT_MEDIA_RELAY_NG): "127.0.0.1"'],
    [{ SIPBREAKOUT_MEDIA_RELAY_NG: '127.0.0.1:0' }, 'mediaRelay.ng (env SIPBREAKOUT_MEDIA_RELAY_NG): "127.0.0.1:0"'],
    [{ SIPBREAKOUT_MEDIA_RELAY_NG: '' }, 'mediaRelay.ng (env SIPBREAKOUT_MEDIA_RELAY_NG): ""'],
    [
      { SIPBREAKOUT_MEDIA_RELAY_TIMEOUT_MS: '5' },
      'mediaRelay.timeoutMs (env SIPBREAKOUT_MEDIA_RELAY_TIMEOUT_MS): "5" is not a timeout in milliseconds: must be an integer 10-60000',
    ],
    [
      { SIPBREAKOUT_MEDIA_RELAY_ATTEMPTS: '0' },
      'mediaRelay.attempts (env SIPBREAKOUT_MEDIA_RELAY_ATTEMPTS): "0" is not a number of attempts: must be an integer 1-10',
    ],
    [
      { SIPBREAKOUT_MEDIA_RELAY_ON_FAILURE: 'ignore' },
      'mediaRelay.onFailure (env SIPBREAKOUT_MEDIA_RELAY_ON_FAILURE): "ignore" must be one of reject, passthrough',
    ],
    [
      { SIPBREAKOUT_GRPC_TLS_MODE: 'on' },
      'grpc.tls.mode (env SIPBREAKOUT_GRPC_TLS_MODE): "on" must be one of off, dev, files',
    ],
    [
      { SIPBREAKOUT_GRPC_TLS_MODE: 'dev', SIPBREAKOUT_GRPC_TLS_CLIENT_CERTIFICATE: 'request' },
      'grpc.tls.clientCertificate (env SIPBREAKOUT_GRPC_TLS_CLIENT_CERTIFICATE): "request" must be one of none, require',
    ],
    [
      { SIPBREAKOUT_GRPC_ALLOW_PLAINTEXT: 'yes' },
      'grpc.allowPlaintext (env SIPBREAKOUT_GRPC_ALLOW_PLAINTEXT): "yes" must be true or false',
    ],
    [
      { SIPBREAKOUT_GRPC_TLS_MODE: 'files' },
      'grpc.tls.certFile (not set in env SIPBREAKOUT_GRPC_TLS_CERT_FILE): is required with grpc.tls.mode files',
    ],
    [
      { SIPBREAKOUT_GRPC_TLS_MODE: 'files', SIPBREAKOUT_GRPC_TLS_CERT_FILE: 'a.pem' },
      'grpc.tls.keyFile (not set in env SIPBREAKOUT_GRPC_TLS_KEY_FILE): is required with grpc.tls.mode files',
    ],
    [
      {
        SIPBREAKOUT_GRPC_TLS_MODE: 'files',
        SIPBREAKOUT_GRPC_TLS_CERT_FILE: 'a.pem',
        SIPBREAKOUT_GRPC_TLS_KEY_FILE: 'a.key',
        SIPBREAKOUT_GRPC_TLS_CLIENT_CERTIFICATE: 'require',
      },
      'grpc.tls.caFile (not set in env SIPBREAKOUT_GRPC_TLS_CA_FILE): is required with grpc.tls.clientCertificate require',
    ],
    [
      { SIPBREAKOUT_GRPC_TLS_MODE: 'dev', SIPBREAKOUT_GRPC_TLS_CERT_FILE: 'a.pem' },
      'grpc.tls.certFile (env SIPBREAKOUT_GRPC_TLS_CERT_FILE): "a.pem" is only for grpc.tls.mode files',
    ],
    [
      { SIPBREAKOUT_GRPC_TLS_KEY_FILE: 'a.key' },
      'grpc.tls.keyFile (env SIPBREAKOUT_GRPC_TLS_KEY_FILE): "a.key" is only for grpc.tls.mode files (TLS is off)',
    ],
    [
      { SIPBREAKOUT_GRPC_TLS_CA_FILE: 'ca.pem' },
      'grpc.tls.caFile (env SIPBREAKOUT_GRPC_TLS_CA_FILE): "ca.pem" is only for grpc.tls.mode dev or files',
    ],
    [
      { SIPBREAKOUT_GRPC_TLS_MODE: 'dev', SIPBREAKOUT_GRPC_TLS_CA_FILE: 'ca.pem' },
      'grpc.tls.caFile (env SIPBREAKOUT_GRPC_TLS_CA_FILE): "ca.pem" is, with grpc.tls.mode dev, only for grpc.tls.clientCertificate require',
    ],
    [
      { SIPBREAKOUT_GRPC_TLS_CLIENT_CERTIFICATE: 'require' },
      'grpc.tls.clientCertificate (env SIPBREAKOUT_GRPC_TLS_CLIENT_CERTIFICATE): "require" needs TLS',
    ],
    [
      {
        SIPBREAKOUT_GRPC_TLS_MODE: 'files',
        SIPBREAKOUT_GRPC_TLS_CERT_FILE: '',
        SIPBREAKOUT_GRPC_TLS_KEY_FILE: 'a.key',
      },
      'grpc.tls.certFile (env SIPBREAKOUT_GRPC_TLS_CERT_FILE): "" must not be empty',
    ],
  ])('refuses the environment %j naming the variable, key and value', (env, expected) => {
    const errors = errorsOf(loadCoreConfig({ env, cwd }));
    expect(errors.join('\n')).toContain(expected);
  });

  it("reads SIPBREAKOUT_MEDIA_RELAY_NG as rtpengine's ng address, IPv4 or IPv6", () => {
    expect(
      loadCoreConfig({
        env: { SIPBREAKOUT_MEDIA_RELAY_NG: '127.0.0.1:2223', SIPBREAKOUT_MEDIA_RELAY_ON_FAILURE: 'passthrough' },
        cwd,
      }),
    ).toMatchObject({
      ok: true,
      config: { mediaRelay: { ng: '127.0.0.1:2223', timeoutMs: 500, attempts: 3, onFailure: 'passthrough' } },
    });
    expect(loadCoreConfig({ env: { SIPBREAKOUT_MEDIA_RELAY_NG: '[::1]:2223' }, cwd })).toMatchObject({
      ok: true,
      config: { mediaRelay: { ng: '[::1]:2223' } },
    });
  });

  it('reads the gRPC TLS variables', () => {
    expect(loadCoreConfig({ env: { SIPBREAKOUT_GRPC_TLS_MODE: 'dev' }, cwd })).toMatchObject({
      ok: true,
      config: { grpc: { tls: { mode: 'dev', clientCertificate: 'none' } } },
    });
    expect(
      loadCoreConfig({
        env: { SIPBREAKOUT_GRPC_TLS_MODE: 'dev', SIPBREAKOUT_GRPC_TLS_CLIENT_CERTIFICATE: 'require' },
        cwd,
      }),
    ).toMatchObject({
      ok: true,
      config: { grpc: { tls: { mode: 'dev', clientCertificate: 'require' } } },
    });
    const files = {
      SIPBREAKOUT_GRPC_TLS_MODE: 'files',
      SIPBREAKOUT_GRPC_TLS_CERT_FILE: 'grpc.pem',
      SIPBREAKOUT_GRPC_TLS_KEY_FILE: 'grpc.key',
      SIPBREAKOUT_GRPC_TLS_CA_FILE: 'clients-ca.pem',
      SIPBREAKOUT_GRPC_TLS_CLIENT_CERTIFICATE: 'require',
    };
    expect(loadCoreConfig({ env: files, cwd })).toMatchObject({
      ok: true,
      config: {
        grpc: {
          allowPlaintext: false,
          tls: {
            mode: 'files',
            certFile: 'grpc.pem',
            keyFile: 'grpc.key',
            caFile: 'clients-ca.pem',
            clientCertificate: 'require',
          },
        },
      },
    });
    // caFile without client certificates: in files mode the printed commands trust it.
    expect(loadCoreConfig({ env: { ...files, SIPBREAKOUT_GRPC_TLS_CLIENT_CERTIFICATE: 'none' }, cwd }).ok).toBe(true);
    expect(loadCoreConfig({ env: { SIPBREAKOUT_GRPC_ALLOW_PLAINTEXT: 'TRUE' }, cwd })).toMatchObject({
      ok: true,
      config: { grpc: { allowPlaintext: true } },
    });
    expect(loadCoreConfig({ env: { SIPBREAKOUT_GRPC_ALLOW_PLAINTEXT: 'false' }, cwd })).toMatchObject({
      ok: true,
      config: { grpc: { allowPlaintext: false } },
    });
  });

  it.each(['0.0.0.0', '::', '[::]', '192.0.2.10', '2001:db8::1', 'core.example.com', 'localhost.example.com'])(
    'refuses plaintext gRPC on the non-loopback host %s, naming the key, unless grpc.allowPlaintext or TLS',
    (host) => {
      const errors = errorsOf(loadCoreConfig({ env: { SIPBREAKOUT_GRPC_HOST: host }, cwd }));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(
        `grpc.host (env SIPBREAKOUT_GRPC_HOST): ${JSON.stringify(host)} is not a loopback address and grpc.tls.mode is off`,
      );
      expect(errors[0]).toContain('grpc.allowPlaintext');
      expect(
        loadCoreConfig({ env: { SIPBREAKOUT_GRPC_HOST: host, SIPBREAKOUT_GRPC_ALLOW_PLAINTEXT: 'true' }, cwd }).ok,
      ).toBe(true);
      expect(loadCoreConfig({ env: { SIPBREAKOUT_GRPC_HOST: host, SIPBREAKOUT_GRPC_TLS_MODE: 'dev' }, cwd }).ok).toBe(
        true,
      );
    },
  );

  it('refuses plaintext gRPC off loopback from a file too, naming the key and the file', () => {
    const file = withFile({ grpc: { host: '0.0.0.0' } });
    const errors = errorsOf(loadCoreConfig({ file, env: {}, cwd }));
    expect(errors.join('\n')).toContain(`grpc.host (file ${file}): "0.0.0.0" is not a loopback address`);
    expect(
      loadCoreConfig({ file: withFile({ grpc: { host: '0.0.0.0', allowPlaintext: true } }), env: {}, cwd }).ok,
    ).toBe(true);
    expect(loadCoreConfig({ file, env: { SIPBREAKOUT_GRPC_TLS_MODE: 'dev' }, cwd }).ok).toBe(true);
  });

  it.each(['127.0.0.1', '127.1.2.3', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', 'localhost', 'LOCALHOST'])(
    'keeps plaintext gRPC on the loopback host %s',
    (host) => {
      expect(loadCoreConfig({ env: { SIPBREAKOUT_GRPC_HOST: host }, cwd }).ok).toBe(true);
    },
  );

  it('reads SIPBREAKOUT_DNS_SERVERS as a comma-separated list of host:port', () => {
    const result = loadCoreConfig({ env: { SIPBREAKOUT_DNS_SERVERS: '127.0.0.1:5353, [::1]:53,192.0.2.1' }, cwd });
    expect(result.ok && result.config.dns.servers).toEqual(['127.0.0.1:5353', '[::1]:53', '192.0.2.1']);
  });

  it.each([
    [{ grpc: { port: 'x' } }, 'grpc.port (file FILE): "x" is not a port: must be an integer 0-65535'],
    [
      { grpc: { prot: 1 } },
      'grpc.prot (file FILE): 1 is not a key of grpc (known: host, port, drainSeconds, allowPlaintext, tls)',
    ],
    [{ grpc: { port: 5060.5 } }, 'grpc.port (file FILE): 5060.5 is not a port: must be an integer 0-65535'],
    [{ sip: { mobile: { udpPort: 65536 } } }, 'sip.mobile.udpPort (file FILE): 65536 is not a port'],
    [
      { auth: { clientNumbers: { pbx: ['4799'] } } },
      'auth.clientNumbers.pbx.0 (file FILE): "4799" must be + followed by up to 15 digits',
    ],
    [
      { auth: { jwksFile: 'a.json', jwksUrl: 'https://x/jwks' } },
      'auth.jwksUrl (file FILE): "https://x/jwks" is set as well as auth.jwksFile: give one of them',
    ],
    [
      { routing: { tasFailure: { INGRESS: 'fail' } } },
      'routing.tasFailure.INGRESS (file FILE): "fail" is not a key of routing.tasFailure (known: LOOP, LOOP_MO, LOOP_MT, FORK, FALLBACK)',
    ],
    [{ dns: { servers: '127.0.0.1:53' } }, 'dns.servers (file FILE): "127.0.0.1:53" must be a list'],
    [
      { grpc: { tls: { mode: 'files', certFile: 'a.pem' } } },
      'grpc.tls.keyFile (not set in file FILE nor env SIPBREAKOUT_GRPC_TLS_KEY_FILE): is required with grpc.tls.mode files',
    ],
    [
      { grpc: { tls: { clientCertificates: 'require' } } },
      'grpc.tls.clientCertificates (file FILE): "require" is not a key of grpc.tls (known: mode, certFile, keyFile, caFile, clientCertificate)',
    ],
    [{ grpc: { allowPlaintext: 'yes' } }, 'grpc.allowPlaintext (file FILE): "yes" must be true or false'],
    [{ logLevel: 3 }, 'logLevel (file FILE): 3 must be one of fatal, error, warn, info, debug, trace, silent'],
    [{ sip: { tas: { certFile: 42 } } }, 'sip.tas.certFile (file FILE): 42 must be a file path (a JSON string)'],
    [{ sip: { prot: 5060 } }, 'sip.prot (file FILE): 5060 is not a key of sip (known: '],
    [{ unknown: true }, 'unknown (file FILE): true is not a key of the configuration (known: dataDir, logLevel, sip,'],
  ])('refuses the file %j naming the key, the file and the value', (content, expected) => {
    const file = withFile(content);
    const errors = errorsOf(loadCoreConfig({ file, env: {}, cwd }));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join('\n')).toContain(expected.replace('FILE', file));
  });

  it('names the variable, and the file it overrides, when both set a bad value', () => {
    const file = withFile({ sip: { mobile: { udpPort: 5070 } } });
    const errors = errorsOf(loadCoreConfig({ file, env: { SIPBREAKOUT_SIP_MOBILE_UDP_PORT: '50 60' }, cwd }));
    expect(errors).toEqual([
      `sip.mobile.udpPort (env SIPBREAKOUT_SIP_MOBILE_UDP_PORT, over file ${file}): "50 60" is not a port: must be an integer 0-65535 (0 picks a free port)`,
    ]);
  });

  it('has an environment variable for every key the README lists, and the README lists every variable', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const { env, key } of ENV_OVERRIDES) {
      expect(readme).toContain(`\`${env}\``);
      expect(readme).toContain(`\`${key}\``);
    }
  });
});

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORE_DATA_DIR, DEFAULT_NUMBER, resolveWebPhoneConfig } from '../src/web-phone-config.js';

/** A token-shaped string with these claims (the web phone never verifies it; the core does). */
const token = (claims: object): string =>
  `eyJhbGciOiJFUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`;

/** A data folder as the core leaves it: the token, and with `ca` the development CA. */
function dataFolder(claims: object, ca = true): string {
  const dir = mkdtempSync(join(tmpdir(), 'web-phone-config-'));
  mkdirSync(join(dir, 'auth'));
  mkdirSync(join(dir, 'tls'));
  writeFileSync(join(dir, 'auth', 'dev-token.jwt'), `${token(claims)}\n`);
  if (ca) writeFileSync(join(dir, 'tls', 'dev-ca.pem'), 'PEM');
  return dir;
}

describe('resolveWebPhoneConfig', () => {
  it('takes everything from the core’s data folder: token file, development CA, a client token’s default number', () => {
    const dir = dataFolder({ sub: 'dev-client', client_id: 'dev-client' });
    const config = resolveWebPhoneConfig(['--data-dir', dir], {}, '/');
    expect(config).toMatchObject({
      dataDir: dir,
      address: '127.0.0.1:50051',
      tls: 'auto',
      caFile: join(dir, 'tls', 'dev-ca.pem'),
      token: { kind: 'file', file: join(dir, 'auth', 'dev-token.jwt') },
      number: DEFAULT_NUMBER,
      method: 'Pipe',
      host: '127.0.0.1',
      port: 8089,
      candidates: 'loopback',
    });
  });

  it('prefers the core’s example user token for a terminal, and attaches to its number', () => {
    const dir = dataFolder({ sub: 'dev-client', client_id: 'dev-client' });
    writeFileSync(
      join(dir, 'auth', 'dev-terminal-token.jwt'),
      token({ sub: '+447700900124', client_id: 'dev-client' }),
    );
    const config = resolveWebPhoneConfig(['--data-dir', dir], {}, '/');
    expect(config.token).toEqual({ kind: 'file', file: join(dir, 'auth', 'dev-terminal-token.jwt') });
    expect(config.number).toBe('+447700900124');
  });

  it('defaults to the core’s own data folder in this repository', () => {
    expect(CORE_DATA_DIR).toMatch(/examples\/breakout-core\/\.data$/);
  });

  it('attaches a user token to its own number, and trusts the system’s CAs without a development CA', () => {
    const dir = dataFolder({ sub: '+4799112233', client_id: 'app' }, false);
    const config = resolveWebPhoneConfig([], { WEB_PHONE_DATA_DIR: dir }, '/');
    expect(config.number).toBe('+4799112233');
    expect(config.caFile).toBeUndefined();
  });

  it('takes options over environment variables, and relative paths from the working folder', () => {
    const dir = dataFolder({ sub: 'dev-client' });
    const config = resolveWebPhoneConfig(
      ['--number', '+4711112222', '--method', 'multipipe', '--port', '0', '--token-file', 'auth/dev-token.jwt'],
      { WEB_PHONE_NUMBER: '+4733334444', WEB_PHONE_METHOD: 'Pipe', WEB_PHONE_CORE_TLS: 'off', WEB_PHONE_HOST: '::1' },
      dir,
    );
    expect(config).toMatchObject({
      number: '+4711112222',
      method: 'MultiPipe',
      port: 0,
      tls: 'off',
      host: '::1',
      token: { kind: 'file', file: join(dir, 'auth', 'dev-token.jwt') },
    });
  });

  const refusals: [string, string[], Record<string, string>, RegExp][] = [
    ['an unknown option', ['--colour', 'red'], {}, /Unknown option '--colour'[\s\S]*usage/],
    ['a method that is none', ['--method', 'Tube'], {}, /--method \(WEB_PHONE_METHOD\) must be one of Pipe, MultiPipe/],
    [
      'a number that is not E.164',
      [],
      { WEB_PHONE_NUMBER: '99112233' },
      /--number \(WEB_PHONE_NUMBER\) must be E\.164/,
    ],
    ['a port out of range', ['--port', '70000'], {}, /--port \(WEB_PHONE_PORT\) must be 0…65535/],
    ['an address without a port', ['--address', 'core.example'], {}, /must be host:port/],
    ['a CA file that is not there', ['--ca-file', '/nonexistent.pem'], {}, /does not exist/],
    [
      'no token file',
      ['--token-file', '/nonexistent.jwt'],
      {},
      /cannot read the token file \/nonexistent\.jwt \(ENOENT\): start the core first/,
    ],
  ];
  for (const [name, argv, env, message] of refusals) {
    it(`refuses ${name}, naming it`, () => {
      const dir = dataFolder({ sub: 'dev-client' });
      expect(() => resolveWebPhoneConfig(['--data-dir', dir, ...argv], env, '/')).toThrow(message);
    });
  }

  it('takes a token given as a value, with no file read', () => {
    const config = resolveWebPhoneConfig(
      ['--data-dir', '/nonexistent', '--token', token({ sub: '+4755556666' })],
      {},
      '/',
    );
    expect(config.token).toEqual({ kind: 'value', value: token({ sub: '+4755556666' }) });
    expect(config.number).toBe('+4755556666');
  });
});

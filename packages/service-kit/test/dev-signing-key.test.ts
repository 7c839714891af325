import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureDevSigningKey } from '../src/dev-signing-key.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'service-kit-key-'));
  dirs.push(dir);
  return dir;
}

describe('ensureDevSigningKey', () => {
  it('generates an ES256 key on first use, private to the user, and reuses it after', async () => {
    const dir = await dataDir();
    const first = await ensureDevSigningKey(dir);
    expect(first.generated).toBe(true);
    expect(first.privateKeyFile).toBe(join(dir, 'auth', 'dev-signing-key.jwk.json'));
    expect((await stat(first.privateKeyFile)).mode & 0o777).toBe(0o600);
    const second = await ensureDevSigningKey(dir);
    expect(second.generated).toBe(false);
    expect(second.kid).toBe(first.kid);
    expect(JSON.parse(await readFile(second.jwksFile, 'utf8'))).toEqual(first.jwks);
    expect(first.jwks.keys).toEqual([
      expect.objectContaining({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: first.kid }),
    ]);
    expect(first.jwks.keys[0]).not.toHaveProperty('d');
  });

  it('signs tokens its public JWKS verifies', async () => {
    const key = await ensureDevSigningKey(await dataDir());
    const token = await key.sign(
      { sub: 'client-1', scope: 'things:write' },
      { expiresIn: '1h', issuer: 'urn:test', audience: 'test' },
    );
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(key.jwks), {
      issuer: 'urn:test',
      audience: 'test',
    });
    expect(payload).toMatchObject({ sub: 'client-1', scope: 'things:write' });
    expect(protectedHeader).toEqual({ alg: 'ES256', kid: key.kid, typ: 'at+jwt' });
  });
});

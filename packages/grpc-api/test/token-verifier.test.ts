import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { principalOf, TokenVerifier } from '../src/index.js';

describe('principalOf', () => {
  it('reads a user token: subject is a phone number, client from client_id or azp', () => {
    expect(principalOf({ sub: '+4799990000', azp: 'app', scope: 'a b' })).toEqual({
      ok: true,
      principal: { kind: 'user', phoneNumber: '+4799990000', client: 'app', scopes: new Set(['a', 'b']) },
    });
  });
  it('refuses a user token that names no client', () => {
    expect(principalOf({ sub: '+4799990000', scope: 'call.routing:write' }).ok).toBe(false);
  });
  it('reads a client token: client from client_id, else sub; scopes from scp arrays too', () => {
    expect(principalOf({ sub: 'svc', scp: ['call.routing:write'] })).toEqual({
      ok: true,
      principal: { kind: 'client', client: 'svc', scopes: new Set(['call.routing:write']) },
    });
  });
});

describe('TokenVerifier', () => {
  it('verifies with a static public key and refuses alg none and other keys', async () => {
    const { publicKey, privateKey } = await generateKeyPair('EdDSA', { extractable: true });
    const other = await generateKeyPair('EdDSA');
    const verifier = await TokenVerifier.create({
      keys: { kind: 'public-key', pem: await exportSPKI(publicKey), algorithm: 'EdDSA' },
    });
    const sign = (key: Parameters<SignJWT['sign']>[0]): Promise<string> =>
      new SignJWT({ sub: 'svc', scope: 'call.routing:write' })
        .setProtectedHeader({ alg: 'EdDSA' })
        .setExpirationTime('5m')
        .sign(key);
    expect((await verifier.verify(await sign(privateKey))).ok).toBe(true);
    expect((await verifier.verify(await sign(other.privateKey))).ok).toBe(false);
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"svc"}').toString('base64url')}.`;
    expect((await verifier.verify(none)).ok).toBe(false);
  });

  it('stops accepting a cached token once it expires', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const verifier = await TokenVerifier.create({
      keys: { kind: 'public-key', pem: await exportSPKI(publicKey), algorithm: 'ES256' },
      clockToleranceSeconds: 0,
    });
    const exp = Math.floor(Date.now() / 1000) + 60;
    const token = await new SignJWT({ sub: 'svc' })
      .setProtectedHeader({ alg: 'ES256' })
      .setExpirationTime(exp)
      .sign(privateKey);
    expect((await verifier.verify(token)).ok).toBe(true);
    expect((await verifier.verify(token, exp * 1000 + 1)).ok).toBe(false);
  });
});

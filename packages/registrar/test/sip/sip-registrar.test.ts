import { beforeEach, describe, expect, it } from 'vitest';
import type { SipResponse } from '@sipbreakout/sip-core';
import { ManualClock } from '@sipbreakout/sip-core/clock';
import { CredentialStore, DigestAuthenticator, SipRegistrar } from '../../src/sip/index.js';
import { answer, register, type RegisterInput } from '../support/register-client.js';

describe('SipRegistrar (RFC 3261 §10.3)', () => {
  let clock: ManualClock;
  let credentials: CredentialStore;
  let registrar: SipRegistrar;

  beforeEach(() => {
    clock = new ManualClock();
    credentials = new CredentialStore();
    credentials.addDomain('example.com');
    credentials.addEndpoint({ domain: 'example.com', user: 'alice', password: 'secret-a' });
    credentials.addEndpoint({ domain: 'example.com', user: 'bob', password: 'secret-b' });
    const authenticator = new DigestAuthenticator({ secret: Buffer.alloc(32, 7), nonceLifetimeMs: 60_000 });
    registrar = new SipRegistrar({ credentials, authenticator, clock, minExpires: 60, maxExpires: 7200 });
  });

  /** Sends the request unauthenticated, answers the challenge, and returns the final response. */
  function authenticated(input: RegisterInput = {}, options: Parameters<typeof answer>[1] = {}): SipResponse {
    const challenge = registrar.handle(register(input));
    expect(challenge.status).toBe(401);
    return registrar.handle(register({ ...input, authorization: answer(challenge, options) }));
  }

  function contacts(response: SipResponse): string[] {
    return response.headers.getAll('contact');
  }

  it('challenges an unauthenticated REGISTER with SHA-256 then MD5, qop=auth (RFC 8760 §2.4)', () => {
    const response = registrar.handle(register());
    expect(response.status).toBe(401);
    const challenges = response.wwwAuthenticate;
    expect(challenges.map((c) => c.params.get('algorithm'))).toEqual(['SHA-256', 'MD5']);
    for (const challenge of challenges) {
      expect(challenge.params.get('realm')).toBe('example.com');
      expect(challenge.params.get('qop')).toBe('auth');
      expect(challenge.params.has('stale')).toBe(false);
    }
    expect(response.to.tag).toBeDefined();
    expect(response.callId).toBe('call-1@192.0.2.10');
  });

  it.each(['MD5', 'SHA-256'] as const)(
    'registers with Digest %s and lists the binding with its remaining time',
    (algorithm) => {
      const response = authenticated({ expires: 600 }, { algorithm });
      expect(response.status).toBe(200);
      expect(contacts(response)).toEqual(['<sip:alice@192.0.2.10:5060>;expires=600']);
      expect(response.headers.get('date')).toBe('Wed, 01 Jan 2025 00:00:00 GMT');
      clock.advance(100_000);
      const query = authenticated({ contacts: [], cseq: 2 }, { algorithm });
      expect(contacts(query)).toEqual(['<sip:alice@192.0.2.10:5060>;expires=500']);
    },
  );

  it('takes the Contact expires parameter over the Expires header, and the default without either', () => {
    const response = authenticated({
      contacts: ['<sip:alice@192.0.2.10>;expires=120', '<sip:alice@192.0.2.11>'],
      expires: 300,
    });
    expect(contacts(response)).toEqual(['<sip:alice@192.0.2.10>;expires=120', '<sip:alice@192.0.2.11>;expires=300']);
    const defaulted = authenticated({ contacts: ['<sip:alice@192.0.2.12>'], callId: 'other' });
    expect(contacts(defaulted)).toContain('<sip:alice@192.0.2.12>;expires=3600');
  });

  it('answers 423 with Min-Expires below the minimum, and changes nothing', () => {
    const response = authenticated({ expires: 59 });
    expect(response.status).toBe(423);
    expect(response.headers.get('min-expires')).toBe('60');
    expect(registrar.lookup('sip:alice@example.com')).toEqual([]);
  });

  it('shortens an expiry above the configured maximum', () => {
    const response = authenticated({ expires: 100_000 });
    expect(contacts(response)).toEqual(['<sip:alice@192.0.2.10:5060>;expires=7200']);
  });

  it('keeps q and returns every client of one endpoint, most preferred first', () => {
    authenticated({ contacts: ['<sip:alice@192.0.2.10>;q=0.5'], callId: 'phone' });
    authenticated({ contacts: ['<sip:alice@192.0.2.20>;q=0.9'], callId: 'laptop' });
    authenticated({ contacts: ['<sip:alice@192.0.2.30>'], callId: 'desk' });
    const bindings = registrar.lookup('sip:alice@example.com');
    expect(bindings.map((b) => [b.contactUri, b.q])).toEqual([
      ['sip:alice@192.0.2.30', 1],
      ['sip:alice@192.0.2.20', 0.9],
      ['sip:alice@192.0.2.10', 0.5],
    ]);
  });

  it('rejects an older CSeq for the same Call-ID (500) and accepts a higher one', () => {
    expect(authenticated({ cseq: 5 }).status).toBe(200);
    expect(authenticated({ cseq: 5, expires: 120 }).status).toBe(500);
    expect(authenticated({ cseq: 4, expires: 120 }).status).toBe(500);
    const newer = authenticated({ cseq: 6, expires: 120 });
    expect(contacts(newer)).toEqual(['<sip:alice@192.0.2.10:5060>;expires=120']);
    // Another Call-ID (another client instance) may update the binding whatever its CSeq.
    expect(authenticated({ cseq: 1, callId: 'restarted', expires: 180 }).status).toBe(200);
  });

  it('removes every binding with Contact: * and Expires: 0', () => {
    authenticated({ contacts: ['<sip:alice@192.0.2.10>', '<sip:alice@192.0.2.11>'] });
    const removed = authenticated({ contacts: ['*'], expires: 0, cseq: 2 });
    expect(removed.status).toBe(200);
    expect(contacts(removed)).toEqual([]);
    expect(registrar.lookup('sip:alice@example.com')).toEqual([]);
  });

  it('refuses Contact: * without Expires: 0 (400)', () => {
    expect(authenticated({ contacts: ['*'], expires: 10 }).status).toBe(400);
  });

  it('removes one binding with expires=0', () => {
    authenticated({ contacts: ['<sip:alice@192.0.2.10>', '<sip:alice@192.0.2.11>'] });
    const response = authenticated({ contacts: ['<sip:alice@192.0.2.10>;expires=0'], cseq: 2 });
    expect(contacts(response)).toEqual(['<sip:alice@192.0.2.11>;expires=3600']);
  });

  it('keeps the Path (RFC 3327) and returns it when the client supports path', () => {
    const response = authenticated({ extra: ['Path: <sip:edge.example.net;lr>', 'Supported: path'] });
    expect(response.headers.getAll('path')).toEqual(['<sip:edge.example.net;lr>']);
    expect(registrar.lookup('sip:alice@example.com')[0]?.path).toEqual(['<sip:edge.example.net;lr>']);
  });

  it('keeps every Path in order, echoed when path is one of several option tags (RFC 3327 §5.3)', () => {
    const response = authenticated({
      extra: ['Path: <sip:p1.example.net;lr>', 'Path: <sip:p2.example.net;lr>', 'Supported: timer, path'],
    });
    expect(response.headers.getAll('path')).toEqual(['<sip:p1.example.net;lr>', '<sip:p2.example.net;lr>']);
    expect(registrar.lookup('sip:alice@example.com')[0]?.path).toEqual([
      '<sip:p1.example.net;lr>',
      '<sip:p2.example.net;lr>',
    ]);
  });

  it('stores the Path but leaves it out of the 200 without Supported: path (RFC 3327 §5.3)', () => {
    const response = authenticated({ extra: ['Path: <sip:edge.example.net;lr>', 'Supported: timer'] });
    expect(response.status).toBe(200);
    expect(response.headers.getAll('path')).toEqual([]);
    expect(registrar.lookup('sip:alice@example.com')[0]?.path).toEqual(['<sip:edge.example.net;lr>']);
    const bare = authenticated({
      contacts: ['<sip:alice@192.0.2.11>'],
      callId: 'other',
      extra: ['Path: <sip:edge2.example.net;lr>'],
    });
    expect(bare.headers.getAll('path')).toEqual([]);
    expect(registrar.lookup('sip:alice@example.com').map((b) => b.path)).toEqual([
      ['<sip:edge.example.net;lr>'],
      ['<sip:edge2.example.net;lr>'],
    ]);
  });

  describe('matches Contacts to bindings by URI equivalence (§10.3 step 7, §19.1.4)', () => {
    it('updates the binding of an equivalent URI: host case, escapes, parameter order, other parameters', () => {
      authenticated({ contacts: ['<sip:alice@phone.example.net:5070;transport=tcp;ob>'] });
      const response = authenticated({
        contacts: ['<sip:%61lice@PHONE.example.NET:5070;ob;transport=TCP;foo=bar>;expires=120'],
        cseq: 2,
      });
      expect(response.status).toBe(200);
      expect(contacts(response)).toEqual(['<sip:%61lice@PHONE.example.NET:5070;ob;transport=TCP;foo=bar>;expires=120']);
    });

    it.each([
      ['the user differs in case', '<sip:Alice@192.0.2.10:5060>'],
      ['the default port is written out on one side only', '<sip:alice@192.0.2.10>'],
      ['transport is on one side only', '<sip:alice@192.0.2.10:5060;transport=udp>'],
      ['maddr is on one side only', '<sip:alice@192.0.2.10:5060;maddr=192.0.2.99>'],
      ['a URI header is on one side only', '<sip:alice@192.0.2.10:5060?subject=x>'],
      ['it is a SIPS URI', '<sips:alice@192.0.2.10:5060>'],
    ])('adds a second binding when %s', (_rule, contact) => {
      authenticated();
      const response = authenticated({ contacts: [contact], cseq: 2 });
      expect(response.status).toBe(200);
      expect(contacts(response)).toHaveLength(2);
    });

    it('removes a binding with expires=0 on an equivalent URI', () => {
      authenticated({ contacts: ['<sip:alice@192.0.2.10:5060;transport=udp>'] });
      const response = authenticated({ contacts: ['<sip:alice@192.0.2.10:5060;TRANSPORT=UDP;ob>;expires=0'], cseq: 2 });
      expect(contacts(response)).toEqual([]);
    });

    it('applies the CSeq order to an equivalent URI', () => {
      authenticated({ contacts: ['<sip:alice@192.0.2.10:5060;transport=udp>'], cseq: 5 });
      expect(authenticated({ contacts: ['<sip:alice@192.0.2.10:5060;transport=UDP>'], cseq: 4 }).status).toBe(500);
    });
  });

  describe('Digest credentials (RFC 7616 §3.4, RFC 3261 §22.4)', () => {
    it('refuses a uri that is not the Request-URI with 400, even with a right response', () => {
      const response = authenticated({}, { uri: 'sip:other.example.com' });
      expect(response.status).toBe(400);
      expect(response.wwwAuthenticate).toEqual([]);
      expect(registrar.lookup('sip:alice@example.com')).toEqual([]);
    });

    it('refuses a uri that does not parse and is not the Request-URI as text (400)', () => {
      expect(authenticated({}, { uri: 'not a uri' }).status).toBe(400);
    });

    it('accepts a uri equivalent to the Request-URI by §19.1.4 but spelled otherwise', () => {
      expect(authenticated({}, { uri: 'SIP:Example.COM' }).status).toBe(200);
      expect(authenticated({ cseq: 2 }, { uri: 'sip:example.com;transport=udp' }).status).toBe(400);
    });

    it.each([
      ['another realm', 'elsewhere.org'],
      ['the challenged realm in another case', 'EXAMPLE.COM'],
    ])('answers credentials for %s with a fresh challenge (401)', (_what, realm) => {
      const response = authenticated({}, { realm });
      expect(response.status).toBe(401);
      expect(response.wwwAuthenticate.map((c) => c.params.get('realm'))).toEqual(['example.com', 'example.com']);
    });

    it('takes an absent algorithm as MD5', () => {
      expect(authenticated({}, { algorithm: 'MD5', algorithmParam: null }).status).toBe(200);
      // A SHA-256 response without the algorithm parameter is checked as MD5, so it fails.
      expect(authenticated({ cseq: 2 }, { algorithm: 'SHA-256', algorithmParam: null }).status).toBe(401);
    });

    it('refuses an absent algorithm (MD5) when MD5 is not offered', () => {
      const sha256Only = new SipRegistrar({
        credentials,
        authenticator: new DigestAuthenticator({ secret: Buffer.alloc(32, 7), algorithms: ['SHA-256'] }),
        clock,
      });
      const challenge = sha256Only.handle(register());
      expect(challenge.wwwAuthenticate.map((c) => c.params.get('algorithm'))).toEqual(['SHA-256']);
      const md5 = sha256Only.handle(register({ authorization: answer(challenge, { algorithmParam: null }) }));
      expect(md5.status).toBe(401);
      expect(sha256Only.handle(register({ cseq: 2, authorization: answer(challenge, { nc: 2 }) })).status).toBe(200);
    });

    it.each(['MD5-sess', 'SHA-256-sess', 'SHA-512-256', 'unknown'])(
      'refuses algorithm=%s with a fresh challenge (401)',
      (name) => {
        const response = authenticated({}, { algorithmParam: name });
        expect(response.status).toBe(401);
        expect(response.wwwAuthenticate.map((c) => c.params.get('algorithm'))).toEqual(['SHA-256', 'MD5']);
      },
    );

    it.each([
      ['qop=auth-int', 'auth-int'],
      ['an unknown qop', 'auth-conf'],
      ['no qop (RFC 2069 mode, open to replays)', null],
    ] as const)('refuses %s (401)', (_what, qop) => {
      const response = authenticated({}, { qop });
      expect(response.status).toBe(401);
      expect(registrar.lookup('sip:alice@example.com')).toEqual([]);
    });
  });

  it('drops bindings at their expiry', () => {
    authenticated({ expires: 60 });
    clock.advance(59_999);
    expect(registrar.lookup('sip:alice@example.com')).toHaveLength(1);
    clock.advance(1);
    expect(registrar.lookup('sip:alice@example.com')).toEqual([]);
  });

  it('refuses a wrong password with a new challenge (401)', () => {
    const response = authenticated({}, { password: 'wrong' });
    expect(response.status).toBe(401);
    expect(response.wwwAuthenticate).toHaveLength(2);
  });

  it('answers an expired nonce with 401 stale=true', () => {
    const challenge = registrar.handle(register());
    clock.advance(60_000);
    const response = registrar.handle(register({ authorization: answer(challenge) }));
    expect(response.status).toBe(401);
    expect(response.wwwAuthenticate.every((c) => c.params.get('stale') === 'true')).toBe(true);
  });

  it('refuses a replayed nonce-count and accepts an increasing one', () => {
    const challenge = registrar.handle(register());
    expect(registrar.handle(register({ authorization: answer(challenge, { nc: 1 }) })).status).toBe(200);
    expect(registrar.handle(register({ cseq: 2, authorization: answer(challenge, { nc: 1 }) })).status).toBe(401);
    expect(registrar.handle(register({ cseq: 3, authorization: answer(challenge, { nc: 2 }) })).status).toBe(200);
  });

  it('refuses a nonce made with another secret (not bound to this server)', () => {
    const other = new SipRegistrar({
      credentials,
      authenticator: new DigestAuthenticator({ secret: Buffer.alloc(32, 9) }),
      clock,
    });
    const foreign = other.handle(register());
    const response = registrar.handle(register({ authorization: answer(foreign) }));
    expect(response.status).toBe(401);
    expect(response.wwwAuthenticate[0]?.params.has('stale')).toBe(false);
  });

  it('refuses a disabled endpoint with 403 even with the right password', () => {
    credentials.setEnabled('example.com', 'alice', false);
    expect(authenticated().status).toBe(403);
  });

  it("refuses to let one endpoint register another's address-of-record (403)", () => {
    const challenge = registrar.handle(register({ user: 'bob' }));
    const response = registrar.handle(register({ user: 'bob', authorization: answer(challenge, { user: 'alice' }) }));
    expect(response.status).toBe(403);
  });

  it('answers 404 for a domain it does not serve', () => {
    expect(registrar.handle(register({ domain: 'elsewhere.org' })).status).toBe(404);
  });

  it('answers 405 with Allow to anything but REGISTER', () => {
    const response = registrar.handle(register({ method: 'OPTIONS' }));
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('REGISTER');
  });

  it('refuses more bindings than the limit (403)', () => {
    const many = Array.from({ length: 11 }, (_, i) => `<sip:alice@192.0.2.${i + 1}>`);
    expect(authenticated({ contacts: many }).status).toBe(403);
  });

  it('stores passwords only as digests', () => {
    const endpoint = credentials.getEndpoint('example.com', 'alice');
    expect(JSON.stringify(endpoint)).not.toContain('secret-a');
    expect(endpoint?.ha1.MD5).toMatch(/^[0-9a-f]{32}$/);
    expect(endpoint?.ha1['SHA-256']).toMatch(/^[0-9a-f]{64}$/);
  });
});

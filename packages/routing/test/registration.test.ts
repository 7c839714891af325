import { describe, expect, it } from 'vitest';
import {
  createRegistration,
  isActive,
  isE164,
  isSameRegistration,
  isValidPrefix,
  type RegistrationInput,
} from '../src/index.js';
import { ALICE, HOUR, NOW, TAS_A, registration } from './builders.js';

const INPUT: RegistrationInput = {
  phoneNumber: ALICE,
  routeType: 'LOOP',
  sipUri: 'sips:TAS-A.example.com:5061;transport=tcp',
  mobileOriginatingPrefix: '00',
  owner: 'client-1',
  expiresAt: NOW + HOUR,
};

describe('createRegistration', () => {
  it('derives the TAS address from the sips: URI and defaults missing prefixes to none', () => {
    expect(createRegistration(INPUT)).toEqual({
      ok: true,
      registration: {
        phoneNumber: ALICE,
        routeType: 'LOOP',
        sipUri: 'sips:TAS-A.example.com:5061;transport=tcp',
        tas: { domain: 'tas-a.example.com', port: 5061 },
        mobileOriginatingPrefix: '00',
        mobileTerminatingPrefix: '',
        owner: 'client-1',
        expiresAt: NOW + HOUR,
      },
    });
  });

  it.each([
    [{ phoneNumber: '4790000001' }, 'ROUTE_ERR_BAD_NUMBER'],
    [{ phoneNumber: '+0790000001' }, 'ROUTE_ERR_BAD_NUMBER'],
    [{ phoneNumber: '+4790000001234567' }, 'ROUTE_ERR_BAD_NUMBER'],
    [{ sipUri: 'sip:tas-a.example.com' }, 'ROUTE_ERR_NOT_SIPS'],
    [{ sipUri: 'sips:192.0.2.1' }, 'ROUTE_ERR_NOT_DOMAIN'],
    [{ sipUri: 'sips:tas-a.example.com:99999' }, 'ROUTE_ERR_BAD_PORT'],
    [{ mobileOriginatingPrefix: '+00' }, 'ROUTE_ERR_BAD_PREFIX'],
    [{ mobileTerminatingPrefix: '1'.repeat(17) }, 'ROUTE_ERR_BAD_PREFIX'],
    [{ expiresAt: Number.NaN }, 'ROUTE_ERR_BAD_EXPIRY'],
  ] as const)('refuses %j with %s', (change, code) => {
    const result = createRegistration({ ...INPUT, ...change });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(code);
  });
});

describe('isE164 and isValidPrefix', () => {
  it('accepts E.164 numbers with their +, up to 15 digits', () => {
    expect(['+4790000001', '+12', '+123456789012345'].map(isE164)).toEqual([true, true, true]);
    expect(['4790000001', '+0123', '+1', '+1234567890123456', '+47 900'].map(isE164)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('accepts up to 16 digits as a prefix, none included', () => {
    expect(['', '00', '1'.repeat(16)].map(isValidPrefix)).toEqual([true, true, true]);
    expect(['1'.repeat(17), '*31#', '+'].map(isValidPrefix)).toEqual([false, false, false]);
  });
});

describe('isActive', () => {
  it('counts a registration until its expiry, exclusive', () => {
    const live = registration(ALICE, 'LOOP', TAS_A, { expiresAt: NOW });
    expect(isActive(live, NOW - 1)).toBe(true);
    expect(isActive(live, NOW)).toBe(false);
    expect(isActive(live, NOW + 1)).toBe(false);
  });
});

describe('isSameRegistration', () => {
  it('identifies a registration by number, route type and SIP URI', () => {
    const loop = registration(ALICE, 'LOOP', TAS_A);
    const refreshed = { ...loop, owner: 'client-2', expiresAt: NOW, mobileOriginatingPrefix: '9' };
    expect(isSameRegistration(loop, refreshed)).toBe(true);
    expect(isSameRegistration(loop, { ...loop, sipUri: 'sips:tas-a.example.com:5061' })).toBe(false);
    expect(isSameRegistration(loop, { ...loop, routeType: 'FORK' })).toBe(false);
    expect(isSameRegistration(loop, { ...loop, phoneNumber: '+4790000009' })).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { RegistrarError } from '@sipbreakout/registrar';
import { routingError } from '@sipbreakout/routing';
import {
  API_REFUSALS,
  checkSipUri,
  readRegistration,
  refusalFromStoreError,
  routeTypeFromProto,
  routeTypeToProto,
  type ApiRefusalCode,
  type Registration,
} from '../src/index.js';

const GOOD: Registration = { sipUri: 'sips:tas.example.com', routeType: 'ROUTE_TYPE_LOOP' };

describe('readRegistration', () => {
  const table: readonly (readonly [string, Registration, string, ApiRefusalCode])[] = [
    ['a phone number that is not E.164', GOOD, '4799990000', 'ROUTE_ERR_BAD_NUMBER'],
    [
      'an unspecified route type',
      { ...GOOD, routeType: 'ROUTE_TYPE_UNSPECIFIED' },
      '+4799990000',
      'API_ERR_UNSPECIFIED_ROUTE_TYPE',
    ],
    ['a missing route type', { sipUri: GOOD.sipUri ?? '' }, '+4799990000', 'API_ERR_UNSPECIFIED_ROUTE_TYPE'],
    ['a sip: URI', { ...GOOD, sipUri: 'sip:tas.example.com' }, '+4799990000', 'ROUTE_ERR_NOT_SIPS'],
    ['a tel: URI', { ...GOOD, sipUri: 'tel:+4799990000' }, '+4799990000', 'ROUTE_ERR_NOT_SIPS'],
    ['an IPv4 literal', { ...GOOD, sipUri: 'sips:192.0.2.1' }, '+4799990000', 'API_ERR_IP_LITERAL'],
    ['an IPv6 literal', { ...GOOD, sipUri: 'sips:[2001:db8::1]:5061' }, '+4799990000', 'API_ERR_IP_LITERAL'],
    ['an empty URI', { ...GOOD, sipUri: '' }, '+4799990000', 'API_ERR_MALFORMED_URI'],
    ['a URI without a scheme', { ...GOOD, sipUri: 'tas.example.com' }, '+4799990000', 'API_ERR_MALFORMED_URI'],
    ['a URI with a space', { ...GOOD, sipUri: 'sips:tas example.com' }, '+4799990000', 'API_ERR_MALFORMED_URI'],
    ['an empty host', { ...GOOD, sipUri: 'sips:' }, '+4799990000', 'ROUTE_ERR_NOT_DOMAIN'],
    ['port 0', { ...GOOD, sipUri: 'sips:tas.example.com:0' }, '+4799990000', 'ROUTE_ERR_BAD_PORT'],
    ['port 65536', { ...GOOD, sipUri: 'sips:tas.example.com:65536' }, '+4799990000', 'ROUTE_ERR_BAD_PORT'],
    ['a prefix with letters', { ...GOOD, mobileOriginatingPrefix: '0a' }, '+4799990000', 'ROUTE_ERR_BAD_PREFIX'],
    ['a 17-digit prefix', { ...GOOD, mobileTerminatingPrefix: '1'.repeat(17) }, '+4799990000', 'ROUTE_ERR_BAD_PREFIX'],
  ];
  for (const [name, message, number, code] of table) {
    it(`refuses ${name} (${code})`, () => {
      const result = readRegistration(message, number);
      expect(result.ok ? undefined : result.refusal.code).toBe(code);
      expect(result.ok ? '' : result.refusal.message).toBe(API_REFUSALS[code]);
    });
  }

  it('maps an acceptable registration, defaulting prefixes to empty', () => {
    expect(readRegistration({ ...GOOD, sipUri: 'sips:tas.example.com:5061;transport=tls' }, '+4799990000')).toEqual({
      ok: true,
      registration: {
        phoneNumber: '+4799990000',
        routeType: 'LOOP',
        sipUri: 'sips:tas.example.com:5061;transport=tls',
        mobileOriginatingPrefix: '',
        mobileTerminatingPrefix: '',
      },
    });
  });
});

describe('route types', () => {
  it('maps every proto route type but UNSPECIFIED both ways, by name and number', () => {
    for (const [name, number, domain] of [
      ['ROUTE_TYPE_LOOP', 1, 'LOOP'],
      ['ROUTE_TYPE_FORK', 2, 'FORK'],
      ['ROUTE_TYPE_FALLBACK', 3, 'FALLBACK'],
      ['ROUTE_TYPE_LOOP_MO', 4, 'LOOP_MO'],
      ['ROUTE_TYPE_LOOP_MT', 5, 'LOOP_MT'],
      ['ROUTE_TYPE_INGRESS', 6, 'INGRESS'],
    ] as const) {
      expect(routeTypeFromProto(name)).toBe(domain);
      expect(routeTypeFromProto(number)).toBe(domain);
      expect(routeTypeToProto(domain)).toBe(name);
    }
    expect(routeTypeFromProto('ROUTE_TYPE_UNSPECIFIED')).toBeUndefined();
    expect(routeTypeFromProto(7)).toBeUndefined();
    expect(routeTypeFromProto('toString')).toBeUndefined();
  });
});

describe('refusalFromStoreError', () => {
  it('turns registrar refusals into API refusals and store failures into undefined', () => {
    expect(refusalFromStoreError(new RegistrarError('REG_ERR_URI_MISMATCH', 'x'))?.code).toBe('REG_ERR_URI_MISMATCH');
    expect(refusalFromStoreError(new RegistrarError('REG_ERR_NOT_OWNER', 'x'))?.code).toBe('REG_ERR_NOT_OWNER');
    expect(refusalFromStoreError(new RegistrarError('REG_ERR_NOT_FOUND', 'x'))?.code).toBe('REG_ERR_NOT_FOUND');
    expect(refusalFromStoreError(new RegistrarError('REG_ERR_STORE_FULL', 'x'))?.code).toBe('REG_ERR_STORE_FULL');
    expect(refusalFromStoreError(new RegistrarError('REG_ERR_STORE_FAILED', 'x'))).toBeUndefined();
    expect(refusalFromStoreError(new Error('boom'))).toBeUndefined();
  });

  it('answers with the code of the rule that refused, from routing to the gRPC answer', () => {
    const refused = routingError('ROUTE_ERR_NOT_SIPS', '"sip:tas.example.com"');
    const error = new RegistrarError('REG_ERR_INVALID_REGISTRATION', refused.detail, { routingError: refused });
    expect(refusalFromStoreError(error)).toEqual({
      code: 'ROUTE_ERR_NOT_SIPS',
      message: 'Secure SIP domain name required',
      detail: '"sip:tas.example.com"',
    });
    const conflict = new RegistrarError('REG_ERR_CONFLICT', 'conflicts with +4799990000 LOOP sips:tas.example.com');
    expect(refusalFromStoreError(conflict)).toEqual({
      code: 'REG_ERR_CONFLICT',
      message: 'Conflicts with an existing registration',
      detail: 'conflicts with +4799990000 LOOP sips:tas.example.com',
    });
    expect(refusalFromStoreError(new RegistrarError('REG_ERR_STORE_FULL', '100000 registrations'))?.message).toBe(
      'Registration limit reached',
    );
  });
});

describe('checkSipUri', () => {
  it("answers a sip: URI with the product documents' wording", () => {
    expect(checkSipUri('sip:tas.example.com')?.message).toBe('Secure SIP domain name required');
  });
});

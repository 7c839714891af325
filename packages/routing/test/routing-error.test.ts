import { describe, expect, it } from 'vitest';
import { defineErrorFamily } from '@sipbreakout/sip-core/error-kit';
import {
  ROUTING_ERRORS,
  ROUTING_ERROR_CODES,
  isRoutingError,
  isRoutingErrorCode,
  routingError,
  type RoutingErrorCode,
} from '../src/index.js';

/** Every code, the SIP status it answers with (if any) and its reason phrase. */
const TABLE: readonly (readonly [RoutingErrorCode, number | undefined, string])[] = [
  ['ROUTE_ERR_BAD_NUMBER', undefined, 'Phone number must be E.164'],
  ['ROUTE_ERR_NOT_SIPS', undefined, 'Secure SIP domain name required'],
  ['ROUTE_ERR_NOT_DOMAIN', undefined, 'Secure SIP domain name required'],
  ['ROUTE_ERR_BAD_PORT', undefined, 'Port must be 1-65535'],
  ['ROUTE_ERR_BAD_PREFIX', undefined, 'Prefix must be digits'],
  ['ROUTE_ERR_BAD_EXPIRY', undefined, 'Expiry must be a finite time'],
  ['ROUTE_ERR_BAD_MAX_FORWARDS', 400, 'Invalid Max-Forwards'],
  ['ROUTE_ERR_TOO_MANY_HOPS', 483, 'Too Many Hops'],
  ['ROUTE_ERR_LEG3_HOPS', 483, 'Too Many Hops'],
  ['ROUTE_ERR_TAS_FORBIDDEN', 403, 'Forbidden'],
];

// Another family, declared with the same kit, whose values must not pass for routing's.
const OTHER = defineErrorFamily('OtherError', 'OTHER_ERR', { OTHER_ERR_X: { message: 'another family' } });

describe('RoutingError', () => {
  it('has one row per code in this table, and no other code', () => {
    expect(ROUTING_ERROR_CODES).toEqual(TABLE.map(([code]) => code));
  });

  it.each(TABLE)('%s answers %s %s', (code, status, message) => {
    expect(code).toMatch(/^ROUTE_ERR_[A-Z0-9_]+$/);
    expect(ROUTING_ERRORS[code]).toEqual({ status, message });
    const error = routingError(code, 'what exactly');
    expect(error).toEqual({ code, status, message, detail: 'what exactly' });
    expect(isRoutingError(error)).toBe(true);
    expect(isRoutingError(error, code)).toBe(true);
    expect(isRoutingErrorCode(code)).toBe(true);
    const sibling = ROUTING_ERROR_CODES.find((c) => c !== code)!;
    expect(isRoutingError(error, sibling)).toBe(false);
    expect(OTHER.isValue(error)).toBe(false);
    expect(isRoutingError(OTHER.value('OTHER_ERR_X', 'x'))).toBe(false);
  });

  it('is checked by code, not by class', () => {
    const copy: unknown = JSON.parse(JSON.stringify(routingError('ROUTE_ERR_NOT_SIPS', 'x')));
    expect(isRoutingError(copy, 'ROUTE_ERR_NOT_SIPS')).toBe(true);
    expect(isRoutingError(copy, 'ROUTE_ERR_BAD_PORT')).toBe(false);
    for (const other of [undefined, null, 'ROUTE_ERR_NOT_SIPS', {}, { code: 'SIP_ERR_X' }, { code: 'toString' }]) {
      expect(isRoutingError(other)).toBe(false);
    }
  });
});

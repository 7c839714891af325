import fc from 'fast-check';
import { ROUTE_TYPES, type CallContext, type Leg2Record, type Registration } from '../src/index.js';
import { NOW } from './builders.js';

/** A small pool of numbers, so that callers, callees and registrations meet often. */
export const NUMBERS: readonly string[] = ['+4790000001', '+4790000002', '+4790000003'];

/** A small pool of TAS domains, one written in another case with a trailing dot. */
export const DOMAINS: readonly string[] = [
  'tas-a.example.com',
  'tas-b.example.com',
  'TAS-B.example.com.',
  'tas-c.example.com',
];

/** How many runs every property makes, at least. */
export const RUNS = 1000;

const number = fc.constantFrom(...NUMBERS);
const domain = fc.constantFrom(...DOMAINS);
const prefix = fc.stringMatching(/^[0-9]{0,3}$/);

/** A registration on one of {@link NUMBERS}, live or expired at {@link NOW} (about half each). */
export function registrationArbitrary(domains: fc.Arbitrary<string> = domain): fc.Arbitrary<Registration> {
  return fc
    .record({
      phoneNumber: number,
      routeType: fc.constantFrom(...ROUTE_TYPES),
      domain: domains,
      port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
      mobileOriginatingPrefix: prefix,
      mobileTerminatingPrefix: prefix,
      owner: fc.constantFrom('client-1', 'client-2'),
      expiresAt: fc.integer({ min: NOW - 5_000, max: NOW + 5_000 }),
    })
    .map(({ domain: tasDomain, port, ...fields }) => ({
      ...fields,
      sipUri: port === undefined ? `sips:${tasDomain}` : `sips:${tasDomain}:${port}`,
      tas: port === undefined ? { domain: tasDomain } : { domain: tasDomain, port },
    }));
}

/** Up to eight registrations, coexistence rules not enforced (the engine must not rely on them). */
export const registrationsArbitrary: fc.Arbitrary<readonly Registration[]> = fc.array(registrationArbitrary(), {
  maxLength: 8,
});

/** A leg 2 record the core may hand back, consistent or not with the call. */
export const leg2RecordArbitrary: fc.Arbitrary<Leg2Record> = fc.record({
  sessionId: fc.constantFrom('s1', 's2'),
  maxForwards: fc.integer({ min: 0, max: 71 }),
  tasDomain: domain,
  caller: number,
  callee: number,
  seenBy: fc.subarray([...DOMAINS]),
});

/** An INVITE from the mobile network with a valid Max-Forwards. */
export const mobileCallArbitrary: fc.Arbitrary<CallContext> = fc.record({
  caller: number,
  callee: number,
  origin: fc.constant({ kind: 'mobile-network' as const }),
  sessionId: fc.constantFrom('s1', 's2'),
  maxForwards: fc.integer({ min: 0, max: 70 }),
  leg2Match: fc.option(leg2RecordArbitrary, { nil: undefined }),
});

/** Any INVITE: from the mobile network or a TAS, a leg 3 or not, with a valid Max-Forwards. */
export const callArbitrary: fc.Arbitrary<CallContext> = fc.record({
  caller: number,
  callee: number,
  origin: fc.oneof(
    fc.constant({ kind: 'mobile-network' as const }),
    domain.map((tasDomain) => ({ kind: 'tas' as const, domain: tasDomain })),
  ),
  sessionId: fc.constantFrom('s1', 's2'),
  maxForwards: fc.integer({ min: 0, max: 70 }),
  leg2Match: fc.option(leg2RecordArbitrary, { nil: undefined }),
});

/**
 * A leg 3 as a TAS may send it back for a record: the record's Session-ID and
 * domain, and any Max-Forwards (a well-behaved TAS lowers it, a bad one may
 * not).
 */
export function leg3For(record: Leg2Record, maxForwards: number, caller: string, callee: string): CallContext {
  return {
    caller,
    callee,
    origin: { kind: 'tas', domain: record.tasDomain },
    sessionId: record.sessionId,
    maxForwards,
    leg2Match: record,
  };
}

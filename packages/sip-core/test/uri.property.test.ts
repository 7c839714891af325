import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseUri, serializeUri } from '../src/index.js';
import { arbitraryUri, arbitraryUriSample } from '../src/testing/index.js';
import { toPlain } from './support/plain.js';

const RUNS = 2000;
/** Generous: property runs share CI machines. */
const TIMEOUT = 60_000;

describe('parseUri and serializeUri', () => {
  it(
    'parseUri(serializeUri(uri)) equals uri',
    () => {
      fc.assert(
        fc.property(arbitraryUri(), (uri) => {
          const result = parseUri(serializeUri(uri));
          if (!result.ok) throw new Error(`${serializeUri(uri)}: ${result.error.message}`);
          expect(toPlain(result.uri)).toEqual(toPlain(uri));
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    'reads generated text as the URI it encodes, and writes it back unchanged, in every place a URI is written',
    () => {
      fc.assert(
        fc.property(
          fc
            .constantFrom('request-uri' as const, 'name-addr' as const, 'addr-spec' as const)
            .chain((place) => arbitraryUriSample(place)),
          ({ uri, text }) => {
            const result = parseUri(text);
            if (!result.ok) throw new Error(`${text}: ${result.error.message}`);
            expect(toPlain(result.uri)).toEqual(toPlain(uri));
            expect(serializeUri(result.uri)).toBe(text);
          },
        ),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    'never throws on arbitrary text; what it accepts writes back to text it reads the same',
    () => {
      const uriLike = fc.oneof(
        fc.string({ maxLength: 60 }),
        fc
          .string({ unit: fc.constantFrom(...'sip:tel+@;=?&[]%.-_1aZ:/<> "'.split('')), maxLength: 40 })
          .map((s) => 'sip:' + s),
        arbitraryUriSample().chain(({ text }) =>
          fc
            .tuple(fc.nat(text.length), fc.string({ maxLength: 3 }))
            .map(([at, junk]) => text.slice(0, at) + junk + text.slice(at)),
        ),
      );
      fc.assert(
        fc.property(uriLike, (text) => {
          const result = parseUri(text);
          if (!result.ok) {
            expect(result.error.code).toBe('SIP_ERR_BAD_URI');
            return;
          }
          const again = parseUri(serializeUri(result.uri));
          if (!again.ok)
            throw new Error(`${JSON.stringify(text)} → ${serializeUri(result.uri)}: ${again.error.message}`);
          expect(toPlain(again.uri)).toEqual(toPlain(result.uri));
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );
});

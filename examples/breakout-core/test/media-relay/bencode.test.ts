import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBencode, serializeBencode, type BencodeValue, type ParsedBencode } from '../../src/media-relay/bencode.js';
import { isMediaRelayError, MediaRelayError, type MediaRelayErrorCode } from '../../src/media-relay/media-relay-error.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

/** Values as the parser gives them back: byte strings as text when UTF-8, dictionaries as Maps. */
const parsedValue: fc.Arbitrary<ParsedBencode> = fc.letrec<{ value: ParsedBencode }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    // Bytes that are not UTF-8 stay bytes (0xff never starts a UTF-8 sequence).
    fc.uint8Array({ maxLength: 12 }).map((b) => Uint8Array.from([0xff, ...b])),
    fc.maxSafeInteger(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.uniqueArray(fc.tuple(fc.string({ unit: 'grapheme', maxLength: 8 }), tie('value')), { maxLength: 4, selector: (e) => e[0] }).map((entries) => new Map(entries)),
  ),
})).value;

describe('bencode', () => {
  it.each<[string, ParsedBencode]>([
    ['4:spam', 'spam'],
    ['0:', ''],
    ['i42e', 42],
    ['i-7e', -7],
    ['i0e', 0],
    ['le', []],
    ['l4:spami1ee', ['spam', 1]],
    ['de', new Map()],
    // rtpengine does not sort keys: the order written is the order kept.
    ['d7:command4:ping6:result4:ponge', new Map<string, ParsedBencode>([['command', 'ping'], ['result', 'pong']])],
    ['d6:result4:pong7:command4:pinge', new Map<string, ParsedBencode>([['result', 'pong'], ['command', 'ping']])],
    ['i9007199254740991e', Number.MAX_SAFE_INTEGER],
  ])('reads %s', (wire, value) => {
    const parsed = parseBencode(bytes(wire));
    expect(parsed).toEqual({ ok: true, value });
    expect(latin1(serializeBencode(value as BencodeValue))).toBe(wire);
  });

  it('writes plain objects in key order, leaving out undefined values, and text as UTF-8', () => {
    expect(latin1(serializeBencode({ command: 'offer', 'call-id': 'c1', flags: ['trust-address'], sdp: 'v=0\r\n' }))).toBe('d7:command5:offer7:call-id2:c15:flagsl13:trust-addresse3:sdp5:v=0\r\ne');
    expect(latin1(serializeBencode({ a: 1, b: undefined } as unknown as BencodeValue))).toBe('d1:ai1ee');
    expect(serializeBencode('é')).toEqual(Uint8Array.from([0x32, 0x3a, 0xc3, 0xa9]));
  });

  it('keeps bytes that are not UTF-8 as bytes, and a leading BOM as text', () => {
    expect(parseBencode(Uint8Array.from([0x32, 0x3a, 0xff, 0x00]))).toEqual({ ok: true, value: Uint8Array.from([0xff, 0x00]) });
    expect(parseBencode(Uint8Array.from([0x33, 0x3a, 0xef, 0xbb, 0xbf]))).toEqual({ ok: true, value: '\ufeff' });
  });

  it.each<[string, MediaRelayErrorCode, number]>([
    ['', 'MEDIA_RELAY_ERR_BENCODE_TRUNCATED', 0],
    ['4:spa', 'MEDIA_RELAY_ERR_BENCODE_TRUNCATED', 0],
    ['l4:spam', 'MEDIA_RELAY_ERR_BENCODE_TRUNCATED', 7],
    ['d1:a', 'MEDIA_RELAY_ERR_BENCODE_TRUNCATED', 4],
    ['i12', 'MEDIA_RELAY_ERR_BENCODE_TRUNCATED', 3],
    ['12', 'MEDIA_RELAY_ERR_BENCODE_TRUNCATED', 2],
    ['x', 'MEDIA_RELAY_ERR_BENCODE_SYNTAX', 0],
    ['i1x', 'MEDIA_RELAY_ERR_BENCODE_SYNTAX', 2],
    ['4x', 'MEDIA_RELAY_ERR_BENCODE_SYNTAX', 1],
    ['i03e', 'MEDIA_RELAY_ERR_BENCODE_INTEGER', 1],
    ['i-0e', 'MEDIA_RELAY_ERR_BENCODE_INTEGER', 2],
    ['ie', 'MEDIA_RELAY_ERR_BENCODE_INTEGER', 1],
    ['i9007199254740992e', 'MEDIA_RELAY_ERR_BENCODE_INTEGER', 1],
    ['i123456789012345678901234567890e', 'MEDIA_RELAY_ERR_BENCODE_INTEGER', 1],
    ['01:a', 'MEDIA_RELAY_ERR_BENCODE_INTEGER', 0],
    ['99999999999999999999:', 'MEDIA_RELAY_ERR_BENCODE_INTEGER', 0],
    ['di1ei2ee', 'MEDIA_RELAY_ERR_BENCODE_KEY', 1],
    ['d1:ai1e1:ai2ee', 'MEDIA_RELAY_ERR_BENCODE_KEY', 7],
    ['d1:\xffi1ee', 'MEDIA_RELAY_ERR_BENCODE_KEY', 1],
    [`${'l'.repeat(65)}${'e'.repeat(65)}`, 'MEDIA_RELAY_ERR_BENCODE_TOO_DEEP', 64],
    ['i1ei2e', 'MEDIA_RELAY_ERR_BENCODE_TRAILING', 3],
  ])('refuses %j with %s at offset %i', (wire, code, offset) => {
    const parsed = parseBencode(Buffer.from(wire, 'latin1'));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(isMediaRelayError(parsed.error, code)).toBe(true);
    expect(parsed.error.offset).toBe(offset);
  });

  it.each<[string, unknown]>([
    ['a fraction', 1.5],
    ['an unsafe integer', 2 ** 60],
    ['NaN', Number.NaN],
    ['a lone surrogate', '\ud800'],
    ['a Date', new Date(0)],
    ['a boolean', true],
    ['null', null],
  ])('refuses to write %s (MEDIA_RELAY_ERR_BENCODE_VALUE)', (_, value) => {
    let thrown: unknown;
    try {
      serializeBencode(value as BencodeValue);
    } catch (error) {
      thrown = error;
    }
    expect(isMediaRelayError(thrown, 'MEDIA_RELAY_ERR_BENCODE_VALUE')).toBe(true);
  });

  it('reads back every value it writes (round trip), byte for byte', () => {
    fc.assert(
      fc.property(parsedValue, (value) => {
        const wire = serializeBencode(value);
        const parsed = parseBencode(wire);
        expect(parsed).toEqual({ ok: true, value });
        if (parsed.ok) expect(serializeBencode(parsed.value)).toEqual(wire);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on random bytes: a value, or a MEDIA_RELAY_ERR_BENCODE_ error with an offset in the input', () => {
    const structured = fc
      .array(fc.constantFrom(...'ilde0123456789:-x'.split('').map((c) => c.charCodeAt(0))), { maxLength: 60 })
      .map((a) => Uint8Array.from(a));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), structured), (input) => {
        const parsed = parseBencode(input);
        if (parsed.ok) {
          // Whatever parses is canonical enough to be written back identically.
          expect(serializeBencode(parsed.value)).toEqual(input);
          return;
        }
        expect(parsed.error).toBeInstanceOf(MediaRelayError);
        expect(parsed.error.code.startsWith('MEDIA_RELAY_ERR_BENCODE_')).toBe(true);
        expect(parsed.error.offset).toBeGreaterThanOrEqual(0);
        expect(parsed.error.offset).toBeLessThanOrEqual(input.length);
      }),
      { numRuns: 2000 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMediaRelayError, MediaRelayError, type MediaRelayErrorCode } from '../src/media-relay-error.js';
import { NG_MAX_DEPTH, parseNgValue, serializeNgValue, type NgReplyValue, type NgValue } from '../src/ng-bencode.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

/**
 * Dictionary keys the `bencode` package reads back as written: not
 * `__proto__` (an own key it cannot hold), without U+FFFD (a key holding it
 * is read as hex, as a key that is not UTF-8 is) and without a leading BOM
 * (its text decoder drops it). rtpengine's keys are plain ASCII.
 */
const key = fc
  .string({ unit: 'grapheme', maxLength: 8 })
  .filter((k) => k !== '__proto__' && !k.includes('\ufffd') && !k.startsWith('\ufeff'));

/** Values as the parser gives them back: byte strings as text when UTF-8, dictionaries as Maps. */
const replyValue: fc.Arbitrary<NgReplyValue> = fc.letrec<{ value: NgReplyValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    // Bytes that are not UTF-8 stay bytes (0xff never starts a UTF-8 sequence).
    fc.uint8Array({ maxLength: 12 }).map((b) => Uint8Array.from([0xff, ...b])),
    fc.maxSafeInteger(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc
      .uniqueArray(fc.tuple(key, tie('value')), { maxLength: 4, selector: (e) => e[0] })
      .map((entries) => new Map(entries)),
  ),
})).value;

describe('ng bencode (the bencode package)', () => {
  it.each<[string, NgReplyValue, string?]>([
    ['4:spam', 'spam'],
    ['0:', ''],
    ['i42e', 42],
    ['i-7e', -7],
    ['i0e', 0],
    ['le', []],
    ['l4:spami1ee', ['spam', 1]],
    ['de', new Map()],
    [
      'd7:command4:ping6:result4:ponge',
      new Map<string, NgReplyValue>([
        ['command', 'ping'],
        ['result', 'pong'],
      ]),
    ],
    // rtpengine does not sort the keys of its replies: read in any order, written sorted (BEP 3).
    [
      'd6:result4:pong7:command4:pinge',
      new Map<string, NgReplyValue>([
        ['result', 'pong'],
        ['command', 'ping'],
      ]),
      'd7:command4:ping6:result4:ponge',
    ],
    ['i9007199254740991e', Number.MAX_SAFE_INTEGER],
  ])('reads %s', (wire, value, written = wire) => {
    const parsed = parseNgValue(bytes(wire));
    expect(parsed).toEqual({ ok: true, value });
    expect(latin1(serializeNgValue(value))).toBe(written);
  });

  it('writes plain objects with their keys sorted, leaving out undefined values, and text as UTF-8', () => {
    expect(
      latin1(serializeNgValue({ command: 'offer', 'call-id': 'c1', flags: ['trust-address'], sdp: 'v=0\r\n' })),
    ).toBe('d7:call-id2:c17:command5:offer5:flagsl13:trust-addresse3:sdp5:v=0\r\ne');
    expect(latin1(serializeNgValue({ a: 1, b: undefined }))).toBe('d1:ai1ee');
    expect(serializeNgValue('é')).toEqual(Uint8Array.from([0x32, 0x3a, 0xc3, 0xa9]));
    // Bytes (an SDP body) are written as they are, not as text.
    expect(serializeNgValue({ sdp: Uint8Array.from([0x76, 0x3d, 0xff]) })).toEqual(
      Uint8Array.from([...bytes('d3:sdp3:v='), 0xff, 0x65]),
    );
    // -0 is written as 0, never as the invalid "i-0e".
    expect(latin1(serializeNgValue(-0))).toBe('i0e');
  });

  it('keeps bytes that are not UTF-8 as bytes, and a leading BOM as text', () => {
    expect(parseNgValue(Uint8Array.from([0x32, 0x3a, 0xff, 0x00]))).toEqual({
      ok: true,
      value: Uint8Array.from([0xff, 0x00]),
    });
    expect(parseNgValue(Uint8Array.from([0x33, 0x3a, 0xef, 0xbb, 0xbf]))).toEqual({ ok: true, value: '\ufeff' });
  });

  it.each<[string, MediaRelayErrorCode]>([
    ['', 'MEDIA_RELAY_ERR_BENCODE_TRUNCATED'],
    ['l4:spam', 'MEDIA_RELAY_ERR_BENCODE_SYNTAX'],
    ['d1:a', 'MEDIA_RELAY_ERR_BENCODE_SYNTAX'],
    ['i12', 'MEDIA_RELAY_ERR_BENCODE_SYNTAX'],
    ['12', 'MEDIA_RELAY_ERR_BENCODE_SYNTAX'],
    ['x', 'MEDIA_RELAY_ERR_BENCODE_SYNTAX'],
    ['i1x', 'MEDIA_RELAY_ERR_BENCODE_SYNTAX'],
    ['4x', 'MEDIA_RELAY_ERR_BENCODE_SYNTAX'],
    ['di1ei2ee', 'MEDIA_RELAY_ERR_BENCODE_SYNTAX'],
    ['i9007199254740992e', 'MEDIA_RELAY_ERR_BENCODE_INTEGER'],
    ['i123456789012345678901234567890e', 'MEDIA_RELAY_ERR_BENCODE_INTEGER'],
    ['d1:ai9007199254740993ee', 'MEDIA_RELAY_ERR_BENCODE_INTEGER'],
    [`${'l'.repeat(NG_MAX_DEPTH + 1)}${'e'.repeat(NG_MAX_DEPTH + 1)}`, 'MEDIA_RELAY_ERR_BENCODE_TOO_DEEP'],
    [`${'l'.repeat(200_000)}${'e'.repeat(200_000)}`, 'MEDIA_RELAY_ERR_BENCODE_TOO_DEEP'],
  ])('refuses %j with %s', (wire, code) => {
    const parsed = parseNgValue(Buffer.from(wire, 'latin1'));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(isMediaRelayError(parsed.error, code)).toBe(true);
  });

  it('nests as deep as the limit, and a lower limit is kept', () => {
    const deepest = `${'l'.repeat(NG_MAX_DEPTH)}${'e'.repeat(NG_MAX_DEPTH)}`;
    expect(parseNgValue(bytes(deepest)).ok).toBe(true);
    const limited = parseNgValue(bytes('llee'), { maxDepth: 1 });
    expect(limited.ok === false && isMediaRelayError(limited.error, 'MEDIA_RELAY_ERR_BENCODE_TOO_DEEP')).toBe(true);
  });

  it.each<[string, string, NgReplyValue]>([
    ['a truncated string', '4:spa', 'spa'],
    ['a leading zero', 'i03e', 3],
    ['a length with a leading zero', '01:a', 'a'],
    ['bytes after the value', 'i1ei2e', 1],
    ['a repeated key (the last wins)', 'd1:ai1e1:ai2ee', new Map([['a', 2]])],
    ['a key that is not UTF-8 (read as hex)', 'd1:\xffi1ee', new Map([['ff', 1]])],
  ])('reads leniently, as the package does: %s', (_, wire, value) => {
    expect(parseNgValue(Buffer.from(wire, 'latin1'))).toEqual({ ok: true, value });
  });

  it.each<[string, unknown]>([
    ['a fraction', 1.5],
    ['an unsafe integer', 2 ** 60],
    ['NaN', Number.NaN],
    ['a lone surrogate', '\ud800'],
    ['a key with a lone surrogate', { '\udc00': 1 }],
    ['a Date', new Date(0)],
    ['a boolean', true],
    ['null', null],
    ['null in a list', ['a', null]],
    ['undefined in a Map', new Map([['a', undefined]])],
    ['a Map with a key that is not text', new Map([[1, 'a']])],
    ['a Set', new Set(['a'])],
    ['nesting deeper than the limit', JSON.parse(`${'['.repeat(NG_MAX_DEPTH + 2)}${']'.repeat(NG_MAX_DEPTH + 2)}`)],
  ])('refuses to write %s (MEDIA_RELAY_ERR_BENCODE_VALUE)', (_, value) => {
    let thrown: unknown;
    try {
      serializeNgValue(value as NgValue);
    } catch (error) {
      thrown = error;
    }
    expect(isMediaRelayError(thrown, 'MEDIA_RELAY_ERR_BENCODE_VALUE')).toBe(true);
  });

  it('reads back every value it writes (round trip), and writes back byte for byte what it wrote', () => {
    fc.assert(
      fc.property(replyValue, (value) => {
        const wire = serializeNgValue(value);
        const parsed = parseNgValue(wire);
        expect(parsed).toEqual({ ok: true, value });
        if (parsed.ok) expect(serializeNgValue(parsed.value)).toEqual(wire);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a string of negative length instead of looping (the package is patched for it)', () => {
    for (const text of ['l-3:e', '-1:', 'd1:a-2:xxe', 'li1e-10:abce']) {
      const parsed = parseNgValue(new TextEncoder().encode(text));
      expect(parsed.ok, text).toBe(false);
      if (!parsed.ok) expect(parsed.error.code.startsWith('MEDIA_RELAY_ERR_BENCODE_'), text).toBe(true);
    }
  });

  it('never throws on random bytes: a value it can write back, or a MEDIA_RELAY_ERR_BENCODE_ error', () => {
    // "-" included: the package, as patched (patches/), refuses a negative string length instead of looping.
    const structured = fc
      .array(fc.constantFrom(...'ilde0123456789:x-+'.split('').map((c) => c.charCodeAt(0))), { maxLength: 60 })
      .map((a) => Uint8Array.from(a));
    const random = fc.uint8Array({ maxLength: 200 });
    fc.assert(
      fc.property(fc.oneof(random, structured), (input) => {
        const parsed = parseNgValue(input);
        if (parsed.ok) {
          expect(() => serializeNgValue(parsed.value)).not.toThrow();
          return;
        }
        expect(parsed.error).toBeInstanceOf(MediaRelayError);
        expect(parsed.error.code.startsWith('MEDIA_RELAY_ERR_BENCODE_')).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

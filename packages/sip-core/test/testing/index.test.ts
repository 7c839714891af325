import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMessage, parseUri, type SipMessage } from '../../src/index.js';
import {
  applyMutation,
  arbitraryMessage,
  arbitraryMessageSample,
  arbitraryMutatedBytes,
  arbitraryMutation,
  arbitraryRequest,
  arbitraryRequestBytes,
  arbitraryResponse,
  arbitraryResponseBytes,
  arbitrarySipUri,
  arbitraryTelUri,
  mutateMessage,
  type Mutation,
} from '../../src/testing/index.js';

const SAMPLES = 2000;
/** Generous: sampling shares CI machines. */
const TIMEOUT = 60_000;
const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

describe('@sipbreakout/sip-core/testing', () => {
  it(
    'generates requests and responses of the kind asked for, as objects and as bytes the parser accepts',
    () => {
      for (const request of fc.sample(arbitraryRequest(), { numRuns: 100, seed: 1 }))
        expect(request.kind).toBe('request');
      for (const response of fc.sample(arbitraryResponse(), { numRuns: 100, seed: 1 }))
        expect(response.kind).toBe('response');
      for (const message of fc.sample(arbitraryMessage(), { numRuns: 100, seed: 1 }))
        expect(['request', 'response']).toContain(message.kind);
      for (const bytes of fc.sample(arbitraryRequestBytes(), { numRuns: 200, seed: 2 })) {
        const result = parseMessage(bytes, { framing: 'stream' });
        expect(result.ok && result.message.kind).toBe('request');
      }
      for (const bytes of fc.sample(arbitraryResponseBytes(), { numRuns: 200, seed: 3 })) {
        const result = parseMessage(bytes, { framing: 'stream' });
        expect(result.ok && result.message.kind).toBe('response');
      }
    },
    TIMEOUT,
  );

  it('generates SIP and tel URIs the parser reads back', () => {
    for (const uri of fc.sample(arbitrarySipUri(), { numRuns: 200, seed: 4 })) expect(uri.kind).toBe('sip');
    for (const uri of fc.sample(arbitraryTelUri(), { numRuns: 200, seed: 5 })) {
      expect(uri.kind).toBe('tel');
      expect(parseUri('tel:' + uri.number + uri.params.toString(';')).ok).toBe(true);
    }
  });

  it(
    'covers the syntax it promises: compact names, unknown headers, several Vias, IPv6, quoted names, escapes, bodies',
    () => {
      const samples = fc.sample(arbitraryMessageSample(), { numRuns: SAMPLES, seed: 42 });
      const count = (predicate: (message: SipMessage, bytes: string) => boolean): number =>
        samples.filter((s) => predicate(s.message, text(s.bytes))).length;
      const seen = {
        compactVia: count((_m, b) => /\r\n[vV][ \t]*:/.test(b)),
        compactContentLength: count((_m, b) => /\r\n[lL][ \t]*:/.test(b)),
        unknownHeader: count((_m, b) => /\r\nX-/.test(b)),
        manyViaEntries: count((m) => m.via.length > 2),
        viaFieldWithSeveralEntries: count((m) => m.headers.getAll('via').some((v) => v.includes(','))),
        ipv6Via: count((m) => m.via.some((v) => v.hostKind === 'ipv6')),
        ipv6Uri: count((m) => m.from.uri.kind === 'sip' && m.from.uri.hostKind === 'ipv6'),
        telUri: count((m) => m.to.uri.kind === 'tel' || m.from.uri.kind === 'tel'),
        quotedDisplayNameWithEscape: count((_m, b) => /\r\n(From|To|f|t)[^\r]*"[^"\r]*\\/i.test(b)),
        escapedUser: count((m) => m.from.uri.kind === 'sip' && /%[0-9a-fA-F]{2}/.test(m.from.uri.user ?? '')),
        uriParamsAndHeaders: count(
          (m) => m.from.uri.kind === 'sip' && m.from.uri.params.size > 0 && m.from.uri.headers.size > 0,
        ),
        starContact: count((m) => m.contact.some((c) => c.star)),
        body: count((m) => m.body.length > 0),
        bodyWithEmptyLine: count((_m, b) => b.indexOf('\r\n\r\n') < b.length - 4 && /\r\n\r\n[\s\S]*\r\n\r\n/.test(b)),
        utf8: count((_m, b) => /[^\x00-\x7f]/.test(b.slice(0, b.indexOf('\r\n\r\n')))),
        whitespaceBeforeColon: count((_m, b) => /\r\n[A-Za-z-]+[ \t]+:/.test(b)),
        authorization: count((m) => m.authorization.length > 0),
        challenge: count((m) => m.wwwAuthenticate.length > 0),
        sessionId: count((m) => m.sessionId !== undefined),
      };
      for (const [feature, n] of Object.entries(seen)) expect(n, feature).toBeGreaterThan(SAMPLES / 200);
    },
    TIMEOUT,
  );

  it('serializes a sample to the bytes the sample says', () => {
    for (const s of fc.sample(arbitraryMessageSample(), { numRuns: 200, seed: 7 })) {
      const result = parseMessage(s.serialized, { framing: 'stream' });
      expect(result.ok).toBe(true);
    }
  });

  describe('mutateMessage', () => {
    const valid = fc.sample(arbitraryRequestBytes(), { numRuns: 1, seed: 9 })[0] as Uint8Array;

    it('is deterministic for a seed and leaves its input alone', () => {
      const before = Uint8Array.from(valid);
      const a = mutateMessage(valid, { seed: 1234 });
      const b = mutateMessage(valid, { seed: 1234 });
      expect(a).toEqual(b);
      expect(valid).toEqual(before);
    });

    it('damages the message for most seeds', () => {
      let changed = 0;
      for (let seed = 1; seed <= 200; seed++) if (text(mutateMessage(valid, { seed })) !== text(valid)) changed++;
      expect(changed).toBeGreaterThan(180);
    });

    it('does not change a Node Buffer it is given', () => {
      const buffer = Buffer.from(valid);
      for (let seed = 1; seed <= 50; seed++) mutateMessage(buffer, { seed });
      expect(new Uint8Array(buffer)).toEqual(valid);
    });
  });

  describe('mutations', () => {
    const message = new TextEncoder().encode('A\r\nB: 12\r\nC: 3\r\n\r\n');
    const cases: Array<[Mutation, string]> = [
      [{ kind: 'flip-bit', at: 0, bit: 5 }, 'a\r\nB: 12\r\nC: 3\r\n\r\n'],
      [{ kind: 'set-byte', at: 1, byte: 10 }, 'A\n\nB: 12\r\nC: 3\r\n\r\n'],
      [{ kind: 'insert', at: 1, bytes: new TextEncoder().encode('xy') }, 'Axy\r\nB: 12\r\nC: 3\r\n\r\n'],
      [{ kind: 'delete', at: 3, length: 3 }, 'A\r\n12\r\nC: 3\r\n\r\n'],
      [{ kind: 'truncate', at: 5 }, 'A\r\nB:'],
      [{ kind: 'duplicate-line', line: 1, times: 2 }, 'A\r\nB: 12\r\nB: 12\r\nB: 12\r\nC: 3\r\n\r\n'],
      [{ kind: 'delete-line', line: 2 }, 'A\r\nB: 12\r\n\r\n'],
      [{ kind: 'swap-lines', line: 1, other: 2 }, 'A\r\nC: 3\r\nB: 12\r\n\r\n'],
      [{ kind: 'line-ending', index: 1, replacement: '\n' }, 'A\r\nB: 12\nC: 3\r\n\r\n'],
      [{ kind: 'number', index: 0, replacement: '4294967296' }, 'A\r\nB: 4294967296\r\nC: 3\r\n\r\n'],
      [{ kind: 'long-run', at: 0, byte: 97, length: 3 }, 'aaaA\r\nB: 12\r\nC: 3\r\n\r\n'],
      [{ kind: 'case', at: 0, length: 4 }, 'a\r\nb: 12\r\nC: 3\r\n\r\n'],
    ];
    it.each(cases)('%o', (mutation, expected) => {
      expect(text(applyMutation(message, mutation))).toBe(expected);
    });

    it(
      'applies to any input, the empty one included, without throwing',
      () => {
        fc.assert(
          fc.property(fc.uint8Array({ maxLength: 40 }), arbitraryMutation(), (bytes, mutation) => {
            applyMutation(bytes, mutation);
          }),
          { numRuns: SAMPLES },
        );
      },
      TIMEOUT,
    );

    it(
      'makes damaged messages, most of which the parser refuses',
      () => {
        const verdicts = fc
          .sample(arbitraryMutatedBytes(), { numRuns: 500, seed: 11 })
          .map((bytes) => parseMessage(bytes).ok);
        expect(verdicts.filter((ok) => !ok).length).toBeGreaterThan(100);
      },
      TIMEOUT,
    );
  });

  it('is the only entry point that loads fast-check: the main entry reaches no module that imports it', () => {
    const src = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, 'utf8');
      expect(source, file).not.toMatch(/from ['"]fast-check['"]/);
      for (const [, spec] of source.matchAll(/from ['"](\.{1,2}\/[^'"]+)\.js['"]/g))
        visit(join(dirname(file), spec + '.ts'));
    };
    visit(join(src, 'index.ts'));
    expect(seen.size).toBeGreaterThan(10);
    expect([...seen].some((f) => f.includes('testing'))).toBe(false);
  });
});

/**
 * A transaction that only lingers (up to 64·T1) keeps the identity of its
 * request and the exact bytes of what it may resend, not the parsed
 * messages: what it resends is byte-identical, what it matches still
 * matches, and the messages it was built from can be collected.
 */
import fc from 'fast-check';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { parseMessage, SipRequest, SipResponse, serializeMessage } from '../../src/index.js';
import { identityText, readIdentity, sealMessage } from '../../src/sealed-message.js';
import { createResponse } from '../../src/transaction/transaction-messages.js';
import { request, responseTo, setup } from './harness.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function collectedAll(refs: ReadonlyArray<WeakRef<object>>): Promise<boolean> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  return refs.every((r) => r.deref() === undefined);
}

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

describe('sealed and identity copies', () => {
  it('a sealed copy serializes to the exact bytes of the original, whatever its headers and body hold', () => {
    const value = fc.stringMatching(/^[\x21-\x7e\u00e9\u00fc\u4e2d ]{0,40}$/).map((s) => s.trim() || 'x');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('Subject', 'X-Extra', 'Contact', 'Session-ID', 'User-Agent'), value), {
          maxLength: 6,
        }),
        fc.uint8Array({ maxLength: 300 }),
        (extra, body) => {
          const headers: Array<[string, string]> = [
            ['Via', 'SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bK-seal'],
            ['From', '<sip:alice@127.0.0.1>;tag=a'],
            ['To', '<sip:bob@127.0.0.1>;tag=b'],
            ['Call-ID', 'seal@127.0.0.1'],
            ['CSeq', '2 BYE'],
            ...extra,
          ];
          const original = new SipResponse({ status: 200, reason: 'OK é', headers, body });
          const sealed = sealMessage(original);
          expect(text(serializeMessage(sealed))).toBe(text(serializeMessage(original)));
          expect(sealed.body.length).toBe(0);
          expect([...sealed.headers].map(([n]) => n)).toEqual(['Via', 'To']);
          expect(sealed.to.tag).toBe('b');
        },
      ),
    );
  });

  it('the identity of a request keeps the start line, Via, From, To, Call-ID and CSeq, and reads back like the original', () => {
    const parsed = parseMessage(
      'INVITE sip:+4790000002@127.0.0.1;user=phone SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bK-one;rport\r\nVia: SIP/2.0/TCP 127.0.0.1:5090;branch=z9hG4bK-two\r\n' +
        'Max-Forwards: 70\r\nFrom: <sip:alice@127.0.0.1>;tag=a\r\nTo: <sip:bob@127.0.0.1>\r\nCall-ID: id@127.0.0.1\r\nCSeq: 7 INVITE\r\nContact: <sip:alice@127.0.0.1:5080>\r\n' +
        'Content-Type: application/sdp\r\nContent-Length: 4\r\n\r\nv=0\n',
    );
    if (!parsed.ok || parsed.message.kind !== 'request') throw new Error('parse');
    const copy = readIdentity(identityText(parsed.message));
    expect(copy).toBeInstanceOf(SipRequest);
    expect(copy.method).toBe('INVITE');
    expect(copy.uri).toEqual(parsed.message.uri);
    expect(copy.via.map((v) => v.branch)).toEqual(['z9hG4bK-one', 'z9hG4bK-two']);
    expect([copy.from.tag, copy.to.tag, copy.callId, copy.cseq.seq]).toEqual(['a', undefined, 'id@127.0.0.1', 7]);
    expect(copy.contact).toEqual([]);
    expect(copy.body.length).toBe(0);
  });
});

describe('a lingering transaction', () => {
  it('non-INVITE server (Completed): resends its final response byte for byte, keeps only the identity of its request, lets both go', async () => {
    const s = setup();
    const refs: Array<WeakRef<object>> = [];
    let first = '';
    (() => {
      const bye = request('BYE');
      s.layer.receive(bye, s.source);
      const { transaction, request: req } = s.user.requests[0]!;
      const ok = createResponse(req, 200, { toTag: 'x' });
      ok.headers.append('Session-ID', 'ab30317f1a784dc48ff824d0d3715d86;remote=47755a9de7794ba387653f2099600ef2');
      ok.body = Buffer.from([0xff, 0x00, 0xe9, 0x41]);
      first = text(serializeMessage(ok));
      transaction.respond(ok);
      refs.push(new WeakRef(ok), new WeakRef(bye));
      s.user.requests.length = 0;
      s.user.serverEvents.length = 0;
      s.transport.sent.length = 0;
    })();
    expect(s.layer.size.server).toBe(1);
    s.clock.advance(500);
    s.layer.receive(request('BYE'), s.source);
    expect(s.transport.sent.map((m) => text(serializeMessage(m.message)))).toEqual([first]);
    s.transport.sent.length = 0;
    expect(await collectedAll(refs)).toBe(true);
    // Still matched, still resent after the originals are gone.
    s.layer.receive(request('BYE'), s.source);
    expect(s.transport.sent.map((m) => text(serializeMessage(m.message)))).toEqual([first]);
    s.clock.advance(32_000);
    expect(s.layer.size.server).toBe(0);
  });

  it('INVITE server (Completed): Timer G and a retransmitted INVITE resend the same bytes; the ACK still matches and ends it', () => {
    const s = setup();
    s.layer.receive(request('INVITE'), s.source);
    const { transaction, request: req } = s.user.requests[0]!;
    const busy = createResponse(req, 486, { toTag: 'busy' });
    busy.headers.append('Retry-After', '30');
    const first = text(serializeMessage(busy));
    transaction.respond(busy);
    s.clock.advance(500);
    s.layer.receive(request('INVITE'), s.source);
    const resent = s.transport.sent
      .filter((m) => m.message.kind === 'response' && m.message.status === 486)
      .map((m) => text(serializeMessage(m.message)));
    expect(resent.length).toBe(3); // the response, Timer G at 500 ms, the retransmitted INVITE
    expect(new Set(resent)).toEqual(new Set([first]));
    expect([...transaction.request.headers].map(([n]) => n)).toEqual([
      'Via',
      'From',
      'To',
      'Call-ID',
      'CSeq',
      'Content-Length',
    ]);
    expect(transaction.request.via[0]?.branch).toBe('z9hG4bK-test-1');
    s.layer.receive(request('ACK', { toTag: 'busy' }), s.source);
    expect(transaction.state).toBe('Confirmed');
  });

  it('INVITE client (Completed): a retransmitted non-2xx final response gets the same ACK bytes again', () => {
    const s = setup();
    const invite = request('INVITE', { branch: 'z9hG4bK-client-1' });
    const tx = s.layer.sendRequest(invite, { destination: s.destination, onEvent: s.onEvent });
    const busy = responseTo(invite, 486, 'busy');
    s.layer.receive(busy, s.source);
    expect(tx.state).toBe('Completed');
    s.layer.receive(responseTo(invite, 486, 'busy'), s.source);
    const acks = s.transport.sent
      .filter((m) => m.message.kind === 'request' && m.message.method === 'ACK')
      .map((m) => text(serializeMessage(m.message)));
    expect(acks.length).toBe(2);
    expect(acks[1]).toBe(acks[0]);
    expect(acks[0]).toContain('ACK sip:bob@127.0.0.1:5060 SIP/2.0\r\n');
    expect(tx.request.method).toBe('INVITE');
    expect(tx.request.headers.get('Max-Forwards')).toBeUndefined();
    expect(tx.request.callId).toBe('call-1@127.0.0.1');
  });
});

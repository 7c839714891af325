import type { WebTerminalMessage } from '@sipbreakout/web-terminal';
import { describe, expect, it } from 'vitest';
import { MAX_PAGE_MESSAGE_BYTES, readPageMessage, toPageMessage } from '../src/page-message.js';

const ID = '11111111-1111-4111-8111-111111111111';

describe('readPageMessage', () => {
  const valid: [string, WebTerminalMessage][] = [
    [
      `{"offer":{"sdp":"v=0","msisdn":{"e164":"+4722"}},"callId":"${ID}"}`,
      { offer: { sdp: 'v=0', msisdn: { e164: '+4722' } }, callId: ID },
    ],
    [`{"offer":{"sdp":"v=0"},"callId":"${ID}"}`, { offer: { sdp: 'v=0' }, callId: ID }],
    ['{"answer":{"sdp":"v=0"}}', { answer: { sdp: 'v=0' } }],
    [`{"ringing":{},"callId":"${ID}"}`, { ringing: {}, callId: ID }],
    ['{"bye":{}}', { bye: {} }],
    [`{"action":{"toPhone":{}},"callId":"${ID}"}`, { action: { toPhone: {} }, callId: ID }],
  ];
  for (const [input, message] of valid) {
    it(`relays ${input.slice(0, 40)}…`, () => {
      expect(readPageMessage(input)).toEqual({ ok: true, message });
      expect(readPageMessage(Buffer.from(input))).toEqual({ ok: true, message });
    });
  }

  const invalid: [string, RegExp][] = [
    ['', /not JSON/],
    ['{', /not JSON/],
    ['null', /JSON object/],
    ['"bye"', /JSON object/],
    ['[]', /JSON object/],
    ['{}', /needs one of offer, answer, ringing, bye, action/],
    ['{"callId":"x"}', /needs one of/],
    ['{"idle":{}}', /idle is sent by the core/],
    ['{"inCall":{}}', /inCall is sent by the core/],
    ['{"error":{"err":"UNKNOWN"}}', /error is sent by the core/],
    ['{"bye":{},"ringing":{}}', /not ringing and bye/],
    ['{"bye":{},"extra":1}', /unknown field\(s\) extra/],
    ['{"bye":{"why":"x"}}', /bye has unknown field\(s\) why/],
    ['{"bye":null}', /bye must be an object/],
    ['{"bye":{},"callId":1}', /callId must be a string/],
    ['{"offer":"v=0"}', /offer must be an object/],
    ['{"offer":{}}', /offer\.sdp must be a non-empty string/],
    ['{"offer":{"sdp":5}}', /offer\.sdp must be a non-empty string/],
    ['{"offer":{"sdp":"v=0","msisdn":"+4722"}}', /offer\.msisdn must be/],
    ['{"offer":{"sdp":"v=0","msisdn":{"e164":"+4722","x":1}}}', /offer\.msisdn has unknown field\(s\) x/],
    ['{"offer":{"sdp":"v=0","video":true}}', /offer has unknown field\(s\) video/],
    ['{"answer":{"sdp":""}}', /answer\.sdp must be a non-empty string/],
    ['{"action":{}}', /action\.toPhone must be an object/],
    ['{"action":{"toPhone":{},"toCloud":{}}}', /action has unknown field\(s\) toCloud/],
    [`{"answer":{"sdp":"${'x'.repeat(MAX_PAGE_MESSAGE_BYTES)}"}}`, /over 131072/],
  ];
  for (const [input, reason] of invalid) {
    it(`refuses ${input.slice(0, 40) || '(empty)'}: ${reason.source}`, () => {
      const reading = readPageMessage(input);
      expect(reading.ok).toBe(false);
      if (!reading.ok) expect(reading.reason).toMatch(reason);
    });
  }

  it('never throws, whatever the bytes', () => {
    for (let i = 0; i < 200; i++) {
      const bytes = Buffer.from(Array.from({ length: i % 40 }, (_, j) => (i * 31 + j * 7) % 256));
      expect(() => readPageMessage(bytes)).not.toThrow();
    }
  });
});

describe('toPageMessage', () => {
  const cases: [WebTerminalMessage, unknown][] = [
    [
      { offer: { sdp: 'v=0', msisdn: { e164: '+47' } }, callId: ID, message: 'offer' },
      { offer: { sdp: 'v=0', msisdn: { e164: '+47' } }, callId: ID },
    ],
    [
      { offer: { sdp: 'v=0', msisdn: null }, callId: ID, message: 'offer' },
      { offer: { sdp: 'v=0' }, callId: ID },
    ],
    [
      { answer: { sdp: 'v=0' }, callId: ID, message: 'answer' },
      { answer: { sdp: 'v=0' }, callId: ID },
    ],
    [
      { ringing: {}, callId: ID, message: 'ringing' },
      { ringing: {}, callId: ID },
    ],
    [
      { bye: {}, callId: ID, message: 'bye' },
      { bye: {}, callId: ID },
    ],
    [
      { idle: {}, callId: '', message: 'idle' },
      { idle: {}, callId: '' },
    ],
    [
      { inCall: { msisdn: { e164: '+47' } }, callId: ID, message: 'inCall' },
      { inCall: { msisdn: { e164: '+47' } }, callId: ID },
    ],
    [
      { error: { err: 'TRY_AGAIN' }, callId: ID, message: 'error' },
      { error: { err: 'TRY_AGAIN' }, callId: ID },
    ],
    [{ callId: ID }, undefined],
  ];
  for (const [message, forPage] of cases) {
    it(`gives the page ${JSON.stringify(forPage)}`, () => expect(toPageMessage(message)).toEqual(forPage));
  }
});

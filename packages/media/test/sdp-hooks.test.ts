/**
 * The media relay of one call against a recording fake of the ng client,
 * with legs, targets and contents shaped as a B2BUA call gives them
 * (call-shapes.ts). End to end through rtpengine and a core:
 * examples/breakout-core/test/e2e/media-relay.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { createResponse, parseMessage, type SipRequest, type SipResponse } from '@sipbreakout/sip-core';
import type { MediaCallHooks, MediaLeg, MediaLegTarget, MediaRelayedContent } from '../src/call-shapes.js';
import { isMediaRelayError, MediaRelayError } from '../src/media-relay-error.js';
import type { NgDictionary, NgSdpReply } from '../src/ng-client.js';
import { SDP_TOWARD_MOBILE, SDP_TOWARD_TAS } from '../src/sdp-profiles.js';
import {
  MediaRelay,
  type MediaRelayCommand,
  type MediaRelayFailureAction,
  type MediaRelayLog,
} from '../src/sdp-hooks.js';
import { plainOffer, sdpBody, webRtcAnswer } from './support/sdp-fixtures.js';

const text = (b: Uint8Array | undefined): string => new TextDecoder().decode(b);
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

/** One command the fake was sent. */
interface Sent {
  readonly command: MediaRelayCommand;
  readonly callId: string;
  readonly fromTag: string;
  readonly toTag?: string | undefined;
  readonly sdp?: string;
  readonly options?: NgDictionary | undefined;
}

/** A fake ng client: records each command, answers `sdp` rewritten as `<command> <n>`, or fails as told. */
function fakeClient(fail: Partial<Record<MediaRelayCommand, boolean>> = {}) {
  const sent: Sent[] = [];
  const release: Array<() => void> = [];
  let held = false;
  const reply = async (command: MediaRelayCommand, entry: Sent): Promise<NgSdpReply> => {
    sent.push(entry);
    if (held) await new Promise<void>((resolve) => release.push(resolve));
    if (fail[command] === true) throw new MediaRelayError('MEDIA_RELAY_ERR_TIMEOUT');
    return { sdp: bytes(`${command} ${sent.length}`), warning: undefined };
  };
  return {
    sent,
    /** Holds the replies until {@link releaseAll}. */
    hold: () => (held = true),
    releaseAll: () => {
      held = false;
      for (const r of release.splice(0)) r();
    },
    client: {
      offer: (r: { callId: string; fromTag: string; sdp: Uint8Array | string; options?: NgDictionary }) =>
        reply('offer', {
          command: 'offer',
          callId: r.callId,
          fromTag: r.fromTag,
          sdp: typeof r.sdp === 'string' ? r.sdp : text(r.sdp),
          options: r.options,
        }),
      answer: (r: {
        callId: string;
        fromTag: string;
        toTag: string;
        sdp: Uint8Array | string;
        options?: NgDictionary;
      }) =>
        reply('answer', {
          command: 'answer',
          callId: r.callId,
          fromTag: r.fromTag,
          toTag: r.toTag,
          sdp: typeof r.sdp === 'string' ? r.sdp : text(r.sdp),
          options: r.options,
        }),
      delete: async (r: { callId: string; fromTag: string }) => {
        sent.push({ command: 'delete', callId: r.callId, fromTag: r.fromTag });
        if (fail.delete === true) throw new MediaRelayError('MEDIA_RELAY_ERR_TIMEOUT');
        return { result: 'ok', warning: undefined, dictionary: new Map() };
      },
    },
  };
}

/** A log that keeps nothing. */
const quiet: MediaRelayLog = { info: () => undefined, warn: () => undefined };

const OFFER = text(sdpBody(plainOffer()));
const ANSWER = text(sdpBody(webRtcAnswer()));

function request(startLine: string, headers: string, body?: string): SipRequest {
  const length = body === undefined ? 0 : bytes(body).length;
  const contentType = body === undefined ? '' : 'Content-Type: application/sdp\r\n';
  const parsed = parseMessage(`${startLine}\r\n${headers}${contentType}Content-Length: ${length}\r\n\r\n${body ?? ''}`);
  if (!parsed.ok || parsed.message.kind !== 'request') throw new Error('bad test request');
  return parsed.message;
}

/** Alice's INVITE, as the mobile side sends it. */
const invite = (body: string | null = OFFER): SipRequest =>
  request(
    'INVITE sip:+4790000002@core.example SIP/2.0',
    'Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK-1\r\nFrom: <sip:+4790000001@mobile.example>;tag=alice\r\nTo: <sip:+4790000002@core.example>\r\nCall-ID: call-1\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n',
    body ?? undefined,
  );

/** A response to `to` with To tag `tag`, with an SDP body or none. */
function response(to: SipRequest, status: number, tag: string, body?: string): SipResponse {
  return createResponse(to, status, {
    toTag: tag,
    headers: body === undefined ? [] : [['Content-Type', 'application/sdp']],
    body: body === undefined ? undefined : bytes(body),
  });
}

/** The content the B2BUA relays for `message`. */
function contentOf(message: SipRequest | SipResponse): MediaRelayedContent {
  const headers: Array<readonly [string, string]> = [];
  for (let i = 0; i < message.headers.names.length; i++)
    headers.push([message.headers.names[i] as string, message.headers.values[i] as string]);
  return { headers, body: message.body.length > 0 ? message.body : undefined };
}

const TAS: MediaLegTarget & { readonly name: string } = { destination: { protocol: 'TLS' }, name: 'tas' };
const PHONE: MediaLegTarget & { readonly name: string } = { destination: { protocol: 'UDP' }, name: 'phone' };
const outgoing = (target: MediaLegTarget, remoteTag?: string): MediaLeg => ({
  side: { kind: 'outgoing', target },
  dialog: remoteTag === undefined ? undefined : { id: { remoteTag } },
});
const INCOMING: MediaLeg = { side: { kind: 'incoming' }, dialog: { id: { remoteTag: 'alice' } } };

function relayOf(
  options: {
    onFailure?: MediaRelayFailureAction;
    fail?: Partial<Record<MediaRelayCommand, boolean>>;
    fromTas?: boolean;
    incoming?: SipRequest;
  } = {},
) {
  const fake = fakeClient(options.fail);
  const counted: Array<[MediaRelayCommand, string]> = [];
  const relay = new MediaRelay({
    client: fake.client,
    onFailure: options.onFailure ?? 'reject',
    count: (command, outcome) => counted.push([command, outcome]),
  });
  const incoming = options.incoming ?? invite();
  const call = relay.forCall({ incoming, fromTas: options.fromTas ?? false, log: quiet });
  return { fake, counted, call, incoming };
}

describe('MediaRelay', () => {
  it('offers toward a TAS from the mobile side in WebRTC style, one media session per leg; a leg to the mobile side is not touched', async () => {
    const { fake, counted, call, incoming } = relayOf();
    expect(await call.prepare([TAS, PHONE])).toBe(true);
    expect(fake.sent).toEqual([
      { command: 'offer', callId: 'call-1~1', fromTag: 'alice', sdp: OFFER, options: SDP_TOWARD_TAS.offer },
    ]);
    expect(counted).toEqual([['offer', 'ok']]);

    const ownHook: string[] = [];
    const hooks = call.wrap<MediaCallHooks>({
      outgoingInvite: (_r: SipRequest, ctx: { readonly target: MediaLegTarget }) =>
        void ownHook.push((ctx.target as { name?: string }).name ?? ''),
    });
    const toTas = invite();
    hooks.outgoingInvite?.(toTas, { target: TAS });
    expect(text(toTas.body)).toBe('offer 1');
    const toPhone = invite();
    hooks.outgoingInvite?.(toPhone, { target: PHONE });
    expect(text(toPhone.body)).toBe(OFFER);
    expect(ownHook).toEqual(['tas', 'phone']);
    // prepare again (FALLBACK's TAS leg after leg 4): the target's session is kept, not offered twice.
    expect(await call.prepare([TAS])).toBe(true);
    expect(fake.sent).toHaveLength(1);
    expect(text(incoming.body)).toBe(OFFER);
  });

  it('offers toward the mobile side from a TAS as RTP/AVP; a leg to another TAS is not touched', async () => {
    const fromTas = invite(ANSWER);
    const { fake, call } = relayOf({ fromTas: true, incoming: fromTas });
    expect(await call.prepare([PHONE, TAS])).toBe(true);
    expect(fake.sent).toEqual([
      { command: 'offer', callId: 'call-1~1', fromTag: 'alice', sdp: ANSWER, options: SDP_TOWARD_MOBILE.offer },
    ]);
  });

  it('sends nothing for an INVITE without SDP (a delayed offer)', async () => {
    const { fake, call } = relayOf({ incoming: invite(null) });
    expect(await call.prepare([TAS])).toBe(true);
    expect(fake.sent).toEqual([]);
  });

  it("sends the answer of the TAS leg through rtpengine with its To tag, after the call's own hook; other responses pass as they are", async () => {
    const { fake, counted, call } = relayOf();
    await call.prepare([TAS]);
    const order: string[] = [];
    const hooks = call.wrap<MediaCallHooks>({
      relaySetupResponse: async () => {
        order.push('own hook');
      },
    });
    const ok = response(invite(), 200, 'tas-tag', ANSWER);
    const content = contentOf(ok);
    await hooks.relaySetupResponse?.(content, { response: ok, from: outgoing(TAS) });
    order.push('relayed');
    expect(order).toEqual(['own hook', 'relayed']);
    expect(fake.sent[1]).toEqual({
      command: 'answer',
      callId: 'call-1~1',
      fromTag: 'alice',
      toTag: 'tas-tag',
      sdp: ANSWER,
      options: SDP_TOWARD_TAS.answer,
    });
    expect(text(content.body)).toBe('answer 2');
    expect(counted).toEqual([
      ['offer', 'ok'],
      ['answer', 'ok'],
    ]);

    // Without SDP, or from the phone's leg (no media session): untouched, nothing sent.
    const ringing = response(invite(), 180, 'tas-tag');
    await hooks.relaySetupResponse?.(contentOf(ringing), { response: ringing, from: outgoing(TAS) });
    const phoneOk = response(invite(), 200, 'bob', OFFER);
    const phoneContent = contentOf(phoneOk);
    await hooks.relaySetupResponse?.(phoneContent, { response: phoneOk, from: outgoing(PHONE) });
    expect(text(phoneContent.body)).toBe(OFFER);
    expect(fake.sent).toHaveLength(2);
  });

  it.each<[MediaRelayFailureAction, boolean]>([
    ['reject', false],
    ['passthrough', true],
  ])(
    'a failed offer with onFailure %s: prepare resolves %s, counted with its code, the INVITE keeps its SDP',
    async (onFailure, resolves) => {
      const { counted, call } = relayOf({ onFailure, fail: { offer: true } });
      expect(await call.prepare([TAS])).toBe(resolves);
      expect(counted).toEqual([['offer', 'MEDIA_RELAY_ERR_TIMEOUT']]);
      const toTas = invite();
      call.wrap<MediaCallHooks>({}).outgoingInvite?.(toTas, { target: TAS });
      expect(text(toTas.body)).toBe(OFFER);
    },
  );

  it('a failed answer with onFailure reject rejects with the error (status 503); with passthrough the answer goes on unchanged', async () => {
    for (const onFailure of ['reject', 'passthrough'] as const) {
      const { counted, call } = relayOf({ onFailure, fail: { answer: true } });
      await call.prepare([TAS]);
      const ok = response(invite(), 200, 'tas-tag', ANSWER);
      const content = contentOf(ok);
      const outcome = await Promise.resolve(
        call.wrap<MediaCallHooks>({}).relaySetupResponse?.(content, { response: ok, from: outgoing(TAS) }),
      ).then(
        () => 'resolved',
        (error: unknown) => error,
      );
      expect(counted).toEqual([
        ['offer', 'ok'],
        ['answer', 'MEDIA_RELAY_ERR_TIMEOUT'],
      ]);
      if (onFailure === 'reject') {
        expect(isMediaRelayError(outcome, 'MEDIA_RELAY_ERR_TIMEOUT')).toBe(true);
        expect((outcome as MediaRelayError).status).toBe(503);
      } else {
        expect(outcome).toBe('resolved');
        expect(text(content.body)).toBe(ANSWER);
      }
    }
  });

  it('release deletes every media session once; an offer that completes after it is deleted at once', async () => {
    const { fake, counted, call } = relayOf();
    await call.prepare([TAS]);
    call.release();
    call.release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(fake.sent.filter((s) => s.command === 'delete')).toEqual([
      { command: 'delete', callId: 'call-1~1', fromTag: 'alice' },
    ]);
    expect(counted).toContainEqual(['delete', 'ok']);

    const late = relayOf();
    late.fake.hold();
    const prepared = late.call.prepare([TAS]);
    late.call.release();
    late.fake.releaseAll();
    expect(await prepared).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(late.fake.sent.map((s) => s.command)).toEqual(['offer', 'delete']);
  });

  it("within the dialog: the caller's re-offer goes with the session's profile and its answer back; the callee's re-offer with the other profile", async () => {
    const { fake, call } = relayOf();
    await call.prepare([TAS]);
    const hooks = call.wrap<MediaCallHooks>({});
    const ok = response(invite(), 200, 'tas-tag', ANSWER);
    await hooks.relaySetupResponse?.(contentOf(ok), { response: ok, from: outgoing(TAS) });
    const tasLeg = outgoing(TAS, 'tas-tag');

    // Alice's hold re-INVITE toward the TAS: an offer from the caller's side.
    const reInvite = request(
      'INVITE sip:core SIP/2.0',
      'Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK-2\r\nFrom: <sip:a@x>;tag=alice\r\nTo: <sip:b@x>;tag=core\r\nCall-ID: call-1\r\nCSeq: 2 INVITE\r\n',
      OFFER,
    );
    const reOffer = contentOf(reInvite);
    await hooks.relayInDialog?.(reOffer, { message: reInvite, from: INCOMING, to: tasLeg });
    expect(fake.sent[2]).toEqual({
      command: 'offer',
      callId: 'call-1~1',
      fromTag: 'alice',
      sdp: OFFER,
      options: { ...SDP_TOWARD_TAS.offer, 'to-tag': 'tas-tag' },
    });
    expect(text(reOffer.body)).toBe('offer 3');

    // A provisional response with SDP is not the answer: untouched.
    const early = response(reInvite, 183, 'tas-tag', ANSWER);
    await hooks.relayInDialog?.(contentOf(early), { message: early, from: tasLeg, to: INCOMING });
    expect(fake.sent).toHaveLength(3);

    // The TAS's 200: the answer to that offer.
    const reOk = response(reInvite, 200, 'tas-tag', ANSWER);
    const reAnswer = contentOf(reOk);
    await hooks.relayInDialog?.(reAnswer, { message: reOk, from: tasLeg, to: INCOMING });
    expect(fake.sent[3]).toEqual({
      command: 'answer',
      callId: 'call-1~1',
      fromTag: 'alice',
      toTag: 'tas-tag',
      sdp: ANSWER,
      options: SDP_TOWARD_TAS.answer,
    });
    expect(text(reAnswer.body)).toBe('answer 4');

    // The TAS re-offers: from the callee's side, toward the mobile side.
    const tasReInvite = request(
      'INVITE sip:core SIP/2.0',
      'Via: SIP/2.0/TLS tas;branch=z9hG4bK-3\r\nFrom: <sip:b@x>;tag=tas-tag\r\nTo: <sip:a@x>;tag=core\r\nCall-ID: leg-2\r\nCSeq: 1 INVITE\r\n',
      ANSWER,
    );
    await hooks.relayInDialog?.(contentOf(tasReInvite), { message: tasReInvite, from: tasLeg, to: INCOMING });
    expect(fake.sent[4]).toEqual({
      command: 'offer',
      callId: 'call-1~1',
      fromTag: 'tas-tag',
      sdp: ANSWER,
      options: { ...SDP_TOWARD_MOBILE.offer, 'to-tag': 'alice' },
    });

    // Alice refuses it (488): no answer is awaited any more; her next SDP is an offer of her own.
    const refused = response(tasReInvite, 488, 'alice');
    await hooks.relayInDialog?.(contentOf(refused), { message: refused, from: INCOMING, to: tasLeg });
    const again = request(
      'UPDATE sip:core SIP/2.0',
      'Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK-4\r\nFrom: <sip:a@x>;tag=alice\r\nTo: <sip:b@x>;tag=core\r\nCall-ID: call-1\r\nCSeq: 3 UPDATE\r\n',
      OFFER,
    );
    await hooks.relayInDialog?.(contentOf(again), { message: again, from: INCOMING, to: tasLeg });
    expect(fake.sent[5]?.command).toBe('offer');
    expect(fake.sent[5]?.options).toEqual({ ...SDP_TOWARD_TAS.offer, 'to-tag': 'tas-tag' });
  });

  it("hands back the call's own hooks with their own type, contexts richer than the relay reads included", () => {
    /** Hooks as a B2BUA declares them: properties, contexts with more than the relay reads. */
    interface RichTarget extends MediaLegTarget {
      readonly name: string;
    }
    interface RichLeg extends MediaLeg {
      readonly name: string;
    }
    interface RichHooks {
      readonly outgoingInvite?: (
        request: SipRequest,
        context: { readonly incoming: SipRequest; readonly target: RichTarget },
      ) => void;
      readonly relayRequest?: (
        content: MediaRelayedContent,
        context: { readonly request: SipRequest; readonly from: RichLeg; readonly to: RichLeg },
      ) => void;
      readonly relaySetupResponse?: (
        content: MediaRelayedContent,
        context: { readonly response: SipResponse; readonly from: RichLeg; readonly to: RichLeg },
      ) => void | PromiseLike<void>;
    }
    const seen: string[] = [];
    const own: RichHooks = {
      outgoingInvite: (_request, context) => void seen.push(`${context.target.name} for ${context.incoming.callId}`),
      relayRequest: () => void seen.push('relayRequest'),
    };
    const { call } = relayOf();
    const wrapped: RichHooks = call.wrap(own);
    expect(wrapped.relayRequest).toBe(own.relayRequest);
    const incoming = invite();
    wrapped.outgoingInvite?.(invite(), { incoming, target: { destination: { protocol: 'UDP' }, name: 'phone' } });
    expect(seen).toEqual(['phone for call-1']);
  });
});

/**
 * The SDP of a call through the media relay (rtpengine): the hooks a B2BUA
 * call is given, wrapped around the call's own (the call as the relay sees
 * it is in `call-shapes.ts`). An INVITE from the mobile side toward a
 * TAS (leg 2, FORK's and FALLBACK's TAS legs) carries rtpengine's `offer`
 * in WebRTC style, and the TAS's answers (18x, 2xx) go back through
 * `answer` as plain RTP/AVP; an INVITE from a TAS toward the mobile side
 * (leg 3 → leg 4, INGRESS) the other way round (profiles in
 * `sdp-profiles.ts`). Legs between mobile parties are not touched. Every
 * media session of a call is deleted when the call ends, however it ends.
 *
 * The offers are made before the legs start ({@link CallMediaRelay.prepare}),
 * since an outgoing INVITE's hook runs synchronously; the answers are
 * rewritten in the B2BUA's `relaySetupResponse` hook, whose promise the
 * response to the caller waits for. Later offers and answers (re-INVITE,
 * UPDATE, PRACK, a 2xx and ACK of a re-INVITE without SDP) go through the
 * same media session in the `relayInDialog` hook: from the caller's side
 * with the session's profile, from the callee's side with the other one.
 */
import type { SipRequest, SipResponse } from '@sipbreakout/sip-core';
import type {
  MediaCallHooks,
  MediaInDialogContext,
  MediaLeg,
  MediaLegTarget,
  MediaOutgoingInviteContext,
  MediaRelayedContent,
  MediaSetupResponseContext,
} from './call-shapes.js';
import { isMediaRelayError, MediaRelayError } from './media-relay-error.js';
import type { NgClient } from './ng-client.js';
import { SDP_TOWARD_MOBILE, SDP_TOWARD_TAS, type SdpProfile } from './sdp-profiles.js';

/** The ng commands the relay sends, as the `command` label. */
export type MediaRelayCommand = 'offer' | 'answer' | 'delete';

/**
 * What the relay does when rtpengine fails, is down or does not answer in
 * time: `reject` fails the offer or answer (the caller is answered 503),
 * `passthrough` lets the SDP through unchanged.
 */
export type MediaRelayFailureAction = 'reject' | 'passthrough';

/** Where the relay logs (a pino logger fits). */
export interface MediaRelayLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

/** Options of {@link MediaRelay}. */
export interface MediaRelayOptions {
  readonly client: Pick<NgClient, 'offer' | 'answer' | 'delete'>;
  readonly onFailure: MediaRelayFailureAction;
  /** Told of every command sent: `ok`, or the `MEDIA_RELAY_ERR_…` code it failed with. */
  readonly count: (command: MediaRelayCommand, outcome: string) => void;
  /**
   * Whether an outgoing leg goes to a TAS (its SDP then WebRTC style). Default:
   * it goes over TLS, the only transport toward a TAS (RFC 5922: the TAS is
   * reached by its `sips:` URI), while the mobile side is UDP or TCP.
   */
  readonly towardTas?: (target: MediaLegTarget) => boolean;
}

/** The media relay of one call, from {@link MediaRelay.forCall}. */
export interface CallMediaRelay {
  /**
   * `hooks` with the relay's added: each INVITE carries its prepared offer,
   * each answer goes through rtpengine. The call's own hooks run first, with
   * the contexts the call gave; the result has the type of `hooks`.
   */
  wrap<H extends MediaCallHooks>(hooks: H): H;
  /**
   * Sends the `offer` of every target whose SDP goes through the relay
   * (toward a TAS from the mobile side, toward the mobile side from a TAS).
   * Resolves false when one failed and the policy is `reject`: the caller
   * is to be answered 503, no leg started.
   */
  prepare(targets: readonly MediaLegTarget[]): Promise<boolean>;
  /** Deletes every media session of the call; one offered later is deleted at once. Idempotent. */
  release(): void;
}

/** The one media session of one outgoing leg. */
interface Session {
  readonly callId: string;
  readonly fromTag: string;
  readonly profile: SdpProfile;
  /** rtpengine's offer, the body of the leg's INVITE. */
  readonly offer: Uint8Array;
  /** The tag rtpengine knows the callee's side by: the To tag of the response whose answer went through it. */
  calleeTag: string | undefined;
  /** The side whose offer within the dialog waits for its answer (RFC 3264 §4: one offer at a time). */
  pendingOffer: 'caller' | 'callee' | undefined;
}

/** The profile of an offer going the other way (toward the mobile side instead of the TAS, or back). */
const reverse = (profile: SdpProfile): SdpProfile => (profile === SDP_TOWARD_TAS ? SDP_TOWARD_MOBILE : SDP_TOWARD_TAS);

/** Whether a message's body is an SDP (`application/sdp`, RFC 3264). */
function isSdp(contentType: string | undefined, body: Uint8Array | undefined): body is Uint8Array {
  return (
    body !== undefined &&
    body.length > 0 &&
    contentType !== undefined &&
    /^\s*application\/sdp\s*(;|$)/i.test(contentType)
  );
}

function contentTypeOf(headers: ReadonlyArray<readonly [string, string]>): string | undefined {
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    // RFC 3261 §7.3.3: `c` is Content-Type's compact form.
    if (lower === 'content-type' || lower === 'c') return value;
  }
  return undefined;
}

/** The default of {@link MediaRelayOptions.towardTas}: a leg over TLS goes to a TAS. */
const isTlsTarget = (target: MediaLegTarget): boolean => target.destination.protocol === 'TLS';

const codeOf = (error: unknown): string => (isMediaRelayError(error) ? error.code : 'MEDIA_RELAY_ERR_SOCKET');

/** The media relay: one {@link CallMediaRelay} per call, all through one ng client. */
export class MediaRelay {
  readonly #o: MediaRelayOptions;

  constructor(options: MediaRelayOptions) {
    this.#o = options;
  }

  /**
   * The relay of the call that `incoming` starts; `fromTas`: it came in on
   * the TAS face (a leg 3, an INGRESS call).
   */
  forCall(context: {
    readonly incoming: SipRequest;
    readonly fromTas: boolean;
    readonly log: MediaRelayLog;
  }): CallMediaRelay {
    const { client, onFailure, count } = this.#o;
    const towardTas = this.#o.towardTas ?? isTlsTarget;
    const { incoming, fromTas, log } = context;
    const sessions = new Map<MediaLegTarget, Session>();
    let released = false;
    let sequence = 0;
    const fromTag = incoming.from.tag ?? 'caller';

    const remove = (session: Session): void => {
      client.delete({ callId: session.callId, fromTag: session.fromTag }).then(
        () => count('delete', 'ok'),
        (error: unknown) => {
          count('delete', codeOf(error));
          log.warn({ err: error, mediaCallId: session.callId }, 'media relay: delete failed');
        },
      );
    };

    /** The profile of a target's SDP: toward a TAS from the mobile side, toward the mobile side from a TAS, else none. */
    const profileOf = (target: MediaLegTarget): SdpProfile | undefined => {
      const tas = towardTas(target);
      if (!fromTas && tas) return SDP_TOWARD_TAS;
      if (fromTas && !tas) return SDP_TOWARD_MOBILE;
      return undefined;
    };

    const offer = async (target: MediaLegTarget, profile: SdpProfile, sdp: Uint8Array): Promise<boolean> => {
      // One rtpengine call per outgoing leg: FORK's TAS legs each get their own media session.
      const callId = `${incoming.callId}~${++sequence}`;
      try {
        const reply = await client.offer({ callId, fromTag, sdp, options: profile.offer });
        count('offer', 'ok');
        const session: Session = {
          callId,
          fromTag,
          profile,
          offer: reply.sdp,
          calleeTag: undefined,
          pendingOffer: undefined,
        };
        if (released) remove(session);
        else sessions.set(target, session);
        if (reply.warning !== undefined)
          log.info({ mediaCallId: callId, warning: reply.warning }, 'media relay: offer warning');
        return true;
      } catch (error) {
        count('offer', codeOf(error));
        log.warn({ err: error, mediaCallId: callId, onFailure }, 'media relay: offer failed');
        return onFailure === 'passthrough';
      }
    };

    return {
      wrap: <H extends MediaCallHooks>(hooks: H): H => ({
        ...hooks,
        outgoingInvite: (request: SipRequest, ctx: MediaOutgoingInviteContext) => {
          hooks.outgoingInvite?.(request, ctx);
          const session = sessions.get(ctx.target);
          if (session !== undefined) request.body = session.offer;
        },
        relaySetupResponse: (content: MediaRelayedContent, ctx: MediaSetupResponseContext) => {
          const before = hooks.relaySetupResponse?.(content, ctx);
          const target = ctx.from.side.kind === 'outgoing' ? ctx.from.side.target : undefined;
          const session = target === undefined ? undefined : sessions.get(target);
          if (session === undefined || !isSdp(contentTypeOf(content.headers), content.body)) return before;
          const sdp = content.body;
          const toTag = ctx.response.to.tag ?? 'callee';
          session.calleeTag = toTag;
          return (async () => {
            await before;
            try {
              const reply = await client.answer({
                callId: session.callId,
                fromTag: session.fromTag,
                toTag,
                sdp,
                options: session.profile.answer,
              });
              count('answer', 'ok');
              content.body = reply.sdp;
            } catch (error) {
              count('answer', codeOf(error));
              log.warn(
                { err: error, mediaCallId: session.callId, status: ctx.response.status, onFailure },
                'media relay: answer failed',
              );
              if (onFailure === 'reject')
                throw isMediaRelayError(error) ? error : new MediaRelayError('MEDIA_RELAY_ERR_SOCKET', String(error));
            }
          })();
        },
        relayInDialog: (content: MediaRelayedContent, ctx: MediaInDialogContext) => {
          const before = hooks.relayInDialog?.(content, ctx);
          const outgoing: MediaLeg = ctx.from.side.kind === 'outgoing' ? ctx.from : ctx.to;
          const session = outgoing.side.kind === 'outgoing' ? sessions.get(outgoing.side.target) : undefined;
          if (session === undefined) return before;
          const side = ctx.from === outgoing ? 'callee' : 'caller';
          const message: SipRequest | SipResponse = ctx.message;
          if (message.kind === 'response' && message.status >= 300) {
            // The request that made the offer failed: the session stays as it was (RFC 3264 §8), no answer is awaited.
            if (session.pendingOffer !== undefined && session.pendingOffer !== side) session.pendingOffer = undefined;
            return before;
          }
          // An SDP in a provisional response is not the answer that counts (RFC 3261 §13.2.1): left as it is.
          if (
            (message.kind === 'response' && message.status < 200) ||
            !isSdp(contentTypeOf(content.headers), content.body)
          )
            return before;
          const sdp = content.body;
          const callerTag = session.fromTag;
          const calleeTag =
            session.calleeTag ??
            outgoing.dialog?.id.remoteTag ??
            (side === 'callee' ? message.from.tag : undefined) ??
            'callee';
          const tagOf = (s: 'caller' | 'callee'): string => (s === 'caller' ? callerTag : calleeTag);
          const answering = session.pendingOffer !== undefined && session.pendingOffer !== side;
          const offerer = answering ? (session.pendingOffer as 'caller' | 'callee') : side;
          // Offers from the caller's side take the session's profile, those from the callee's side the other one; an answer the profile of its offer.
          const profile = offerer === 'caller' ? session.profile : reverse(session.profile);
          const other = offerer === 'caller' ? 'callee' : 'caller';
          session.pendingOffer = answering ? undefined : side;
          const command = answering ? 'answer' : 'offer';
          return (async () => {
            await before;
            try {
              const reply = answering
                ? await client.answer({
                    callId: session.callId,
                    fromTag: tagOf(offerer),
                    toTag: tagOf(other),
                    sdp,
                    options: profile.answer,
                  })
                : await client.offer({
                    callId: session.callId,
                    fromTag: tagOf(offerer),
                    sdp,
                    options: { ...profile.offer, 'to-tag': tagOf(other) },
                  });
              count(command, 'ok');
              content.body = reply.sdp;
            } catch (error) {
              count(command, codeOf(error));
              log.warn(
                { err: error, mediaCallId: session.callId, command, onFailure },
                'media relay: in-dialog SDP failed',
              );
              if (onFailure === 'reject')
                throw isMediaRelayError(error) ? error : new MediaRelayError('MEDIA_RELAY_ERR_SOCKET', String(error));
            }
          })();
        },
      }),
      prepare: async (targets) => {
        const sdp = incoming.body;
        if (released || !isSdp(incoming.headers.get('Content-Type'), sdp)) return true;
        const work: Array<Promise<boolean>> = [];
        for (const target of targets) {
          const profile = profileOf(target);
          if (profile !== undefined && !sessions.has(target)) work.push(offer(target, profile, sdp));
        }
        if (work.length === 0) return true;
        return (await Promise.all(work)).every(Boolean);
      },
      release: () => {
        if (released) return;
        released = true;
        for (const session of sessions.values()) remove(session);
        sessions.clear();
      },
    };
  }
}

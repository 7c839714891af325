/**
 * A B2BUA call as the media relay sees it: the few fields of a leg, of a
 * leg's target and of a relayed message that the SDP hooks read or write,
 * and the hooks object the call calls. The relay depends on no B2BUA: any
 * call whose legs, targets, contents and hooks have at least these fields
 * takes the relay's hooks as they are (TypeScript compares them by shape).
 */
import type { SipRequest, SipResponse, TransportProtocol } from '@sipbreakout/sip-core';

/** Where an outgoing leg goes: its transport tells a TAS (TLS) from the mobile side. */
export interface MediaLegTarget {
  readonly destination: { readonly protocol: TransportProtocol };
}

/** One leg of a call: which side of the B2BUA it is, and its dialog once one is set up. */
export interface MediaLeg {
  /** The INVITE behind the leg: received (the caller's side) or sent toward `target`. */
  readonly side: { readonly kind: 'incoming' } | { readonly kind: 'outgoing'; readonly target: MediaLegTarget };
  /** The leg's dialog; `remoteTag` is the tag of the peer on this leg. */
  readonly dialog: { readonly id: { readonly remoteTag: string } } | undefined;
}

/** A message's content about to be sent on the other leg: the relay reads its Content-Type and replaces its SDP body. */
export interface MediaRelayedContent {
  readonly headers: ReadonlyArray<readonly [string, string]>;
  body: Uint8Array | undefined;
}

/** What `outgoingInvite` is told: the leg's target. */
export interface MediaOutgoingInviteContext {
  readonly target: MediaLegTarget;
}

/** What `relaySetupResponse` is told: the response of the outgoing leg `from`, about to reach the caller. */
export interface MediaSetupResponseContext {
  readonly response: SipResponse;
  readonly from: MediaLeg;
}

/** What `relayInDialog` is told: a request within a dialog, or its response, going from one leg to the other. */
export interface MediaInDialogContext {
  readonly message: SipRequest | SipResponse;
  readonly from: MediaLeg;
  readonly to: MediaLeg;
}

/**
 * The hooks of a call that the relay adds its own to: the three it rewrites
 * SDP in. They are methods on purpose: TypeScript compares a method's
 * parameters both ways, so a call's own hooks, whose contexts carry more
 * than these, are accepted and handed back with their own type; the relay
 * passes every context it is given on to them unchanged.
 */
export interface MediaCallHooks {
  /** The INVITE of an outgoing leg before it is sent: the relay puts rtpengine's offer in its body. */
  outgoingInvite?(request: SipRequest, context: MediaOutgoingInviteContext): void;
  /** A response of an outgoing leg before it is relayed to the caller: the relay sends its SDP answer through rtpengine. */
  relaySetupResponse?(content: MediaRelayedContent, context: MediaSetupResponseContext): void | PromiseLike<void>;
  /** An offer or answer within a dialog (re-INVITE, UPDATE, PRACK, ACK, their responses): through rtpengine too. */
  relayInDialog?(content: MediaRelayedContent, context: MediaInDialogContext): void | PromiseLike<void>;
}

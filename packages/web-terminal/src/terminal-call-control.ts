/**
 * The port between the {@link TerminalHub} and the calls: what the hub asks
 * of the core (this interface, which the core implements with its b2bua and
 * media relay), and what the core tells the hub (the hub's `TerminalCallEvents`
 * methods). The hub owns the terminals and the Web Terminal protocol; the
 * core owns SIP, routing, media and the number's phone.
 *
 * Every request names the subscriber's `number` (E.164), the `callId` the
 * terminals know the call by (a UUID) and, where a terminal acts, the
 * `terminal` key of the hub's attachment (stable across a reattach), so the
 * core can tell which of the number's devices did what.
 */

/** The outcome of a request that yields an SDP answer. */
export type SdpOutcome = { readonly ok: true; readonly sdp: string } | { readonly ok: false; readonly reason: string };

/** The outcome of a request without SDP. */
export type CallOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Names a call of a number. */
export interface CallRef {
  /** The subscriber's number, E.164 with `+`. */
  readonly number: string;
  /** The call's id on the terminals' side (a UUID). */
  readonly callId: string;
}

/** Names a call of a number and the terminal acting on it. */
export interface TerminalCallRef extends CallRef {
  /** The hub's key of the terminal (see `TerminalAttachment.key`). */
  readonly terminal: string;
}

/**
 * What the hub asks of the calls. Promises must settle (the hub keeps the
 * call in a pending state until they do); a rejection counts as a failure.
 * A request about a call the terminal has since left (a late settlement) is
 * ignored by the hub, so the core need not race-proof its answers.
 */
export interface TerminalCallControl {
  /**
   * The terminal places a call from `number` to `callee` (an MO call of the
   * number): resolves with the callee's answer SDP (for the terminal) or a
   * failure (the terminal gets `Bye`).
   */
  startOutgoing(request: TerminalCallRef & { readonly callee: string; readonly sdp: string }): Promise<SdpOutcome>;
  /** The terminal, offered an incoming call, alerts: relay as 180. */
  ringing(request: TerminalCallRef): void;
  /**
   * The terminal answers an incoming call it was offered. First answer wins:
   * resolves ok when this terminal won (the core cancels the phone leg; the
   * hub withdraws the offer from the other terminals itself), or a failure
   * when the call was taken elsewhere or is gone (the terminal gets `Bye`).
   */
  answerIncoming(request: TerminalCallRef & { readonly sdp: string }): Promise<CallOutcome>;
  /**
   * The terminal leaves the call: its `Bye`, or its stream dropped without a
   * reattach in time. On a call it was only offered, it declines (the core
   * keeps ringing the other devices); on a call it was in, the call ends.
   */
  hangup(request: TerminalCallRef & { readonly cause: 'bye' | 'stream-lost' }): void;
  /**
   * The terminal takes the call onto its own media: after an `InCall` (the
   * call is on the phone or another terminal) or after a reattach (the call
   * was its own, on the stream that dropped). The core re-offers the remote
   * party with `sdp` and ends the other device's leg; resolves with the SDP
   * for the terminal, or a failure (the call stays where it was).
   */
  pullToTerminal(request: TerminalCallRef & { readonly sdp: string }): Promise<SdpOutcome>;
  /**
   * The terminal moves its call to the phone: the core calls the phone and
   * re-offers the remote party with the phone's media when it answers.
   * Resolves ok when the call is on the phone, or a failure (it stays on the
   * terminal).
   */
  pushToPhone(request: TerminalCallRef): Promise<CallOutcome>;
  /** The terminal's `Answer` to a renegotiation the core sent with `remoteOffer`. */
  answerRenegotiation(request: TerminalCallRef & { readonly sdp: string }): void;
}

/** What the core tells the hub (the hub implements it). */
export interface TerminalCallEvents {
  /**
   * A call to the number: offer it to every terminal that can take it (a
   * busy Pipe and a terminal at its call limit cannot). Returns the keys of
   * the terminals offered (none: the core treats the terminals as busy).
   */
  offerIncoming(request: CallRef & { readonly caller: string; readonly sdp: string }): readonly string[];
  /** The callee of a terminal's outgoing call is alerting (180/183): the terminal gets `Ringing`. */
  remoteRinging(request: CallRef): void;
  /**
   * The remote party renegotiates (re-INVITE or UPDATE with SDP): the
   * terminal in the call gets `Offer{sdp}` on the call's id. Returns false
   * when no attached terminal is in the call (the core refuses the
   * renegotiation).
   */
  remoteOffer(request: CallRef & { readonly sdp: string }): boolean;
  /**
   * The number is in this call on the phone (a call it placed or answered
   * there, or a terminal's call pushed to it): the terminals get `InCall`;
   * an incoming call offered to them is withdrawn (`Bye`).
   */
  callOnPhone(request: CallRef & { readonly remote: string }): void;
  /**
   * The call is over (the remote party hung up, the phone did, or it failed):
   * the terminal in it or offered it gets `Bye`, the others `Idle`.
   */
  callEnded(request: CallRef): void;
}

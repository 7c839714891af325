/**
 * What the core records when it sends a leg 2 to a TAS, and hands back (as
 * `CallContext.leg2Match`) when an INVITE from a TAS carries the same
 * Session-ID: the engine says what to record, the core keeps the table.
 *
 * The core should key the table by Session-ID and TAS domain, and forget an
 * entry when the leg 2 dialog ends.
 */
export interface Leg2Record {
  /** The Session-ID (RFC 7989) the core puts on leg 2; leg 3 must carry it unchanged. */
  readonly sessionId: string;
  /** The Max-Forwards the core puts on leg 2; leg 3 must carry a lower one. */
  readonly maxForwards: number;
  /** The domain of the TAS leg 2 goes to; leg 3 must come from a TAS proving this domain. */
  readonly tasDomain: string;
  /** The original caller: leg 4 always presents this caller, whatever leg 3 says. */
  readonly caller: string;
  /** The number the call is for: leg 4 always goes to this callee, whatever leg 3 says. */
  readonly callee: string;
  /**
   * Every TAS domain (normalized) that has been offered this call, this one
   * included: none of them is offered it again.
   */
  readonly seenBy: readonly string[];
}

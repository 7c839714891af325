import type { Leg2Record } from './leg2-record.js';

/**
 * Where an INVITE came from: the operator's mobile network (leg 1 of a
 * regular call), or a TAS, identified by the domain its TLS certificate
 * proved (RFC 5922) — a leg 3 or a call the TAS places.
 */
export type CallOrigin = { readonly kind: 'mobile-network' } | { readonly kind: 'tas'; readonly domain: string };

/** One incoming INVITE, as the core saw it: plain data, no SIP message. */
export interface CallContext {
  /** The calling number, E.164, as the INVITE presents it. */
  readonly caller: string;
  /** The called number, E.164, as the INVITE's Request-URI targets it. */
  readonly callee: string;
  /** Who sent the INVITE. */
  readonly origin: CallOrigin;
  /**
   * The INVITE's Session-ID (RFC 7989). The core generates one when the
   * INVITE has none (RFC 7989 §6), so that a leg 2 can always be matched.
   */
  readonly sessionId: string;
  /** The INVITE's Max-Forwards (RFC 3261 §20.22). */
  readonly maxForwards: number;
  /**
   * For an INVITE from a TAS: the record of the leg 2 the core sent with the
   * same Session-ID (to that TAS), if there is one. Ignored for INVITEs from
   * the mobile network.
   */
  readonly leg2Match?: Leg2Record | undefined;
}

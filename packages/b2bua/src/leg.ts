/**
 * One leg of a B2BUA call: one side's INVITE (received or sent) and the
 * dialog it set up. Each leg is a UA of its own (RFC 3261 §6, "back-to-back
 * user agent"): its own Via, Call-ID, tags, Contact and CSeq.
 */
import {
  createSessionUuid,
  type ClientInvite,
  type Destination,
  type Dialog,
  type ServerInvite,
  type SipMessage,
  type SipRequest,
  type Uri,
} from '@sipbreakout/sip-core';
import { senderSessionUuid } from './session-id-policy.js';

/** Where an outgoing leg goes. */
export interface LegTarget {
  /** Request-URI of the leg's INVITE; default the incoming INVITE's. */
  readonly uri?: Uri | string;
  /** Where the INVITE is sent. */
  readonly destination: Destination;
  /** A name for logs and tests (`'tas'`, `'phone'`). */
  readonly name?: string;
}

/** The INVITE behind a leg: received (the caller's side) or sent. */
export type LegInvite =
  | { readonly kind: 'incoming'; readonly invite: ServerInvite }
  | { readonly kind: 'outgoing'; readonly invite: ClientInvite; readonly target: LegTarget };

/** One leg: its INVITE and, once set up, its dialog. */
export class Leg {
  /**
   * The Session-ID UUID (RFC 7989) of the endpoint this leg reaches: the
   * last it gave itself, or one the B2BUA assigned to stand for it when it
   * sent none (§7). Undefined until either happens.
   */
  sessionUuid: string | undefined;

  constructor(readonly side: LegInvite) {}

  /** Learns the UUID this leg's endpoint gave itself in `message` (RFC 7989 §6, §7); true when it changed. */
  learnSessionUuid(message: SipMessage): boolean {
    const uuid = senderSessionUuid(message);
    if (uuid === undefined || uuid === this.sessionUuid) return false;
    this.sessionUuid = uuid;
    return true;
  }

  /** The UUID of this leg's endpoint, one assigned to stand for it (RFC 7989 §7) when it has given none. */
  ensureSessionUuid(): string {
    this.sessionUuid ??= createSessionUuid();
    return this.sessionUuid;
  }

  /** A leg for an INVITE we received. */
  static incoming(invite: ServerInvite): Leg {
    return new Leg({ kind: 'incoming', invite });
  }

  /** A leg for an INVITE we sent. */
  static outgoing(invite: ClientInvite, target: LegTarget): Leg {
    return new Leg({ kind: 'outgoing', invite, target });
  }

  /** The leg's name: the target's, or `incoming`. */
  get name(): string {
    return this.side.kind === 'incoming' ? 'incoming' : (this.side.target.name ?? 'outgoing');
  }

  /** The INVITE of the leg (as received, or as sent). */
  get request(): SipRequest {
    return this.side.invite.request;
  }

  /** The leg's dialog: the incoming one's, or the one the first 2xx confirmed. */
  get dialog(): Dialog | undefined {
    return this.side.invite.dialog;
  }
}

/**
 * What web terminals are told about the number's calls on the phone: when
 * the core routes a call in which a number takes part on its phone (it
 * calls from the mobile side, or its phone answers leg 4), the number's
 * terminals get `InCall` with a call id of their own, and `Idle` when that
 * call is over.
 */
import { createHash } from 'node:crypto';
import type { B2buaCallEvent } from '@sipbreakout/b2bua';
import type { TerminalCallEvents } from '@sipbreakout/web-terminal';

/** The hub's side of it (the `TerminalHub`'s `callOnPhone` and `callEnded`). */
export type PhoneCallObserver = Pick<TerminalCallEvents, 'callOnPhone' | 'callEnded'>;

/**
 * The terminals' id of a SIP call of `number`: a name-based UUID (version 5
 * layout, RFC 9562 §5.5) of the SIP Call-ID and the number, the same each
 * time it is derived, so the start and the end of a call name it alike.
 */
export function phoneCallUuid(sipCallId: string, number: string): string {
  const hash = createHash('sha1').update(`${number} ${sipCallId}`).digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Who of a routed call is on a phone. */
export interface PhoneParties {
  /** The SIP Call-ID of the incoming INVITE. */
  readonly sipCallId: string;
  /** The caller, when the call came from the mobile side (the caller's phone placed it). */
  readonly callerOnPhone: string | undefined;
  /** The caller as the callee's phone is shown it. */
  readonly caller: string;
  /** The number called. */
  readonly callee: string;
  /** The callee leg 4 reaches at the next hop, when the plan has a leg 4. */
  readonly phoneCallee: string | undefined;
}

/**
 * Tells `observer` of the call: the caller's phone at once, the callee's
 * once its leg (`phone`) answers; `callEnded` for each of them when the call
 * failed, was cancelled or ended. Returns the listener of the call's events
 * (a `B2buaCall` has one listener: `watchCallEvents` passes them on).
 */
export function watchPhoneCall(parties: PhoneParties, observer: PhoneCallObserver): (event: B2buaCallEvent) => void {
  const told: string[] = [];
  const tell = (number: string, remote: string): void => {
    if (told.includes(number)) return;
    told.push(number);
    observer.callOnPhone({ number, callId: phoneCallUuid(parties.sipCallId, number), remote });
  };
  if (parties.callerOnPhone !== undefined) tell(parties.callerOnPhone, parties.callee);
  return (event) => {
    switch (event.kind) {
      case 'answered':
        if (event.leg.name === 'phone' && parties.phoneCallee !== undefined) tell(parties.phoneCallee, parties.caller);
        return;
      case 'failed':
      case 'cancelled':
      case 'ended':
        for (const number of told.splice(0))
          observer.callEnded({ number, callId: phoneCallUuid(parties.sipCallId, number) });
        return;
      default:
        return;
    }
  };
}

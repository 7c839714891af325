/**
 * Reliable provisional responses (RFC 3262): the UAS core's retransmission
 * of one until its PRACK, as a pure state machine (§3), and the RSeq and
 * RAck header values (§7.1, §7.2), with the option tag checks that decide
 * whether a reliable provisional response may be sent at all.
 */
import type { SipMessage } from '../message.js';
import type { RetransmissionAction } from './retransmission-driver.js';

/** The option tag of RFC 3262. */
export const OPTION_100REL = '100rel';

/** States of one reliable provisional response, as the UAS core sees it. */
export type ReliableProvisionalStateName = 'Waiting' | 'Acknowledged' | 'GaveUp';

/** The whole state: data plus absolute deadlines. */
export interface ReliableProvisionalState {
  readonly name: ReliableProvisionalStateName;
  /** The current retransmission interval. */
  readonly interval: number;
  /** When the response is sent again. */
  readonly retransmitAt: number | undefined;
  /** When the UAS gives up waiting for the PRACK (64·T1 after the first send). */
  readonly giveUpAt: number;
}

/** What the driver does (retransmission-driver.ts): `giveUp` when 64·T1 passed without a PRACK (§3: reject the INVITE with a 5xx). */
export type ReliableProvisionalAction = RetransmissionAction;

/** Events: the timer, the PRACK that matches, or the INVITE's final response (which ends the retransmissions). */
export type ReliableProvisionalEvent =
  | { readonly kind: 'timer' }
  | { readonly kind: 'prack' }
  | { readonly kind: 'final' };

/** Result of one step. */
export interface ReliableProvisionalStep {
  readonly state: ReliableProvisionalState;
  readonly actions: readonly ReliableProvisionalAction[];
}

/**
 * Starts after the reliable provisional response was first sent at `now`.
 * RFC 3262 §3 retransmits it whatever the transport (it travels end to end,
 * and a hop further on may be unreliable), first T1 later, each interval
 * twice the last.
 */
export function startReliableProvisional(now: number, t1: number): ReliableProvisionalStep {
  const state: ReliableProvisionalState = {
    name: 'Waiting',
    interval: t1,
    retransmitAt: now + t1,
    giveUpAt: now + 64 * t1,
  };
  return { state, actions: [{ kind: 'startTimer', at: nextDeadline(state) }] };
}

function nextDeadline(state: ReliableProvisionalState): number {
  return state.retransmitAt === undefined ? state.giveUpAt : Math.min(state.retransmitAt, state.giveUpAt);
}

/** One step of the retransmission of a reliable provisional response. */
export function stepReliableProvisional(
  state: ReliableProvisionalState,
  event: ReliableProvisionalEvent,
  now: number,
): ReliableProvisionalStep {
  if (state.name !== 'Waiting') return { state, actions: [] };
  if (event.kind === 'prack' || event.kind === 'final') {
    // §3: the PRACK stops the retransmissions; so does the final response (nothing is left to acknowledge it for).
    return { state: { ...state, name: 'Acknowledged', retransmitAt: undefined }, actions: [{ kind: 'cancelTimer' }] };
  }
  if (now >= state.giveUpAt)
    return { state: { ...state, name: 'GaveUp', retransmitAt: undefined }, actions: [{ kind: 'giveUp' }] };
  if (state.retransmitAt !== undefined && now >= state.retransmitAt) {
    // §3: the interval doubles with each retransmission (no T2 cap, unlike §13.3.1.4).
    const interval = 2 * state.interval;
    const next = { ...state, interval, retransmitAt: now + interval };
    return { state: next, actions: [{ kind: 'retransmit' }, { kind: 'startTimer', at: nextDeadline(next) }] };
  }
  return { state, actions: [{ kind: 'startTimer', at: nextDeadline(state) }] };
}

/** A RAck value (RFC 3262 §7.2): the RSeq and the CSeq of the response it acknowledges. */
export interface RAck {
  readonly rseq: number;
  readonly cseq: number;
  readonly method: string;
}

const MAX_SEQ = 2 ** 32 - 1;
const DIGITS = /^[0-9]{1,10}$/;
const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

function sequenceNumber(text: string): number | undefined {
  if (!DIGITS.test(text)) return undefined;
  const n = Number(text);
  return n >= 1 && n <= MAX_SEQ ? n : undefined;
}

/** Parses an RSeq value (RFC 3262 §7.1: 1 to 2³²−1); undefined when malformed. */
export function parseRSeq(value: string | undefined): number | undefined {
  return value === undefined ? undefined : sequenceNumber(value.trim());
}

/** Serializes an RSeq value. */
export function serializeRSeq(rseq: number): string {
  return String(rseq);
}

/** Parses a RAck value (`response-num LWS CSeq-num LWS Method`, RFC 3262 §7.2); undefined when malformed. */
export function parseRAck(value: string | undefined): RAck | undefined {
  if (value === undefined) return undefined;
  const parts = value.trim().split(/[ \t]+/);
  if (parts.length !== 3) return undefined;
  const rseq = sequenceNumber(parts[0] as string);
  const cseq = sequenceNumber(parts[1] as string);
  const method = parts[2] as string;
  if (rseq === undefined || cseq === undefined || !TOKEN.test(method)) return undefined;
  return { rseq, cseq, method };
}

/** Serializes a RAck value. */
export function serializeRAck(rack: RAck): string {
  return `${rack.rseq} ${rack.cseq} ${rack.method}`;
}

/** A first RSeq for a new INVITE: uniform in 1 … 2³¹−1 (RFC 3262 §3). */
export function initialRSeq(random: () => number = Math.random): number {
  return 1 + Math.floor(random() * (2 ** 31 - 1));
}

/** Whether a `Supported` or `Require` header field of `message` (`name`) lists `tag` (option tags compare case-insensitively). */
export function listsOptionTag(message: SipMessage, name: 'Supported' | 'Require', tag: string): boolean {
  const wanted = tag.toLowerCase();
  for (const value of message.headers.getAll(name)) {
    for (const t of value.split(',')) if (t.trim().toLowerCase() === wanted) return true;
  }
  return false;
}

/**
 * The RSeq of `response` when it is a reliable provisional response
 * (RFC 3262 §3: 101–199, `Require: 100rel` and a valid RSeq), else undefined.
 */
export function reliableRSeq(response: SipMessage): number | undefined {
  if (response.kind !== 'response' || response.status <= 100 || response.status >= 200) return undefined;
  if (!listsOptionTag(response, 'Require', OPTION_100REL)) return undefined;
  return parseRSeq(response.headers.get('RSeq'));
}

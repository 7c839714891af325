/**
 * The page's WebSocket messages checked and translated: a text message from
 * the page becomes a `WebTerminalMessage` for the stream, or the reason it
 * was refused; a message of the stream becomes the JSON the page reads.
 * The checks are of shape only (the core's hub judges the rest and answers
 * `Error{…}` itself), so that a page that sends nonsense learns what was
 * wrong, and nothing it sends can throw in the server.
 */
import { messageKind, type WebTerminalMessage } from '@sipbreakout/web-terminal';
import type { CoreToPage, PageErrorCode } from './page-protocol.js';

/** The largest text message the bridge reads from a page (an SDP is a few KiB; the core takes 64 KiB). */
export const MAX_PAGE_MESSAGE_BYTES = 128 * 1024;

/** A page message read: the message for the stream, or why it was refused. */
export type PageMessageReading =
  | { readonly ok: true; readonly message: WebTerminalMessage }
  | { readonly ok: false; readonly reason: string };

/** The members a terminal may send; `idle`, `inCall` and `error` are the core's. */
const TERMINAL_MEMBERS = ['offer', 'answer', 'ringing', 'bye', 'action'] as const;
const CORE_MEMBERS = ['idle', 'inCall', 'error'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Refuses keys outside `allowed`; returns the reason or undefined. */
function extraKeys(where: string, value: Record<string, unknown>, allowed: readonly string[]): string | undefined {
  const extra = Object.keys(value).filter((key) => !allowed.includes(key));
  return extra.length === 0 ? undefined : `${where} has unknown field(s) ${extra.join(', ')}`;
}

function refuse(reason: string): PageMessageReading {
  return { ok: false, reason };
}

/** Reads an empty member (`ringing`, `bye`, `toPhone`): `{}` only. */
function empty(where: string, value: unknown): string | undefined {
  if (!isRecord(value)) return `${where} must be an object ({})`;
  return extraKeys(where, value, []);
}

function sdpOf(where: string, value: Record<string, unknown>): string | undefined {
  const sdp = value['sdp'];
  if (typeof sdp !== 'string' || sdp.length === 0) return `${where}.sdp must be a non-empty string`;
  return undefined;
}

/**
 * Reads one text message of the page (its raw bytes or string). Exactly one
 * of `offer`, `answer`, `ringing`, `bye`, `action` and an optional string
 * `callId`; `offer.msisdn`, when present, is `{ e164: string }`.
 */
export function readPageMessage(data: string | Buffer): PageMessageReading {
  const size = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  if (size > MAX_PAGE_MESSAGE_BYTES) return refuse(`message of ${size} bytes, over ${MAX_PAGE_MESSAGE_BYTES}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
  } catch (error) {
    return refuse(`not JSON: ${(error as Error).message}`);
  }
  if (!isRecord(parsed)) return refuse('a message is a JSON object');
  const callId = parsed['callId'];
  if (callId !== undefined && typeof callId !== 'string') return refuse('callId must be a string');
  const coreMember = CORE_MEMBERS.find((member) => member in parsed);
  if (coreMember !== undefined) return refuse(`${coreMember} is sent by the core, not by a terminal`);
  const members = TERMINAL_MEMBERS.filter((member) => member in parsed);
  if (members.length !== 1) {
    const unknown = extraKeys('the message', parsed, [...TERMINAL_MEMBERS, 'callId']);
    if (unknown !== undefined) return refuse(unknown);
    return refuse(
      members.length === 0
        ? `a message needs one of ${TERMINAL_MEMBERS.join(', ')}`
        : `a message has one of ${TERMINAL_MEMBERS.join(', ')}, not ${members.join(' and ')}`,
    );
  }
  const member = members[0] as (typeof TERMINAL_MEMBERS)[number];
  const unknown = extraKeys('the message', parsed, [member, 'callId']);
  if (unknown !== undefined) return refuse(unknown);
  const body = parsed[member];
  const base = callId === undefined ? {} : { callId };
  switch (member) {
    case 'offer': {
      if (!isRecord(body)) return refuse('offer must be an object');
      const problem = extraKeys('offer', body, ['sdp', 'msisdn']) ?? sdpOf('offer', body);
      if (problem !== undefined) return refuse(problem);
      const msisdn = body['msisdn'];
      if (msisdn === undefined) return { ok: true, message: { ...base, offer: { sdp: body['sdp'] as string } } };
      if (!isRecord(msisdn) || typeof msisdn['e164'] !== 'string')
        return refuse('offer.msisdn must be { "e164": "+…" }');
      const extra = extraKeys('offer.msisdn', msisdn, ['e164']);
      if (extra !== undefined) return refuse(extra);
      return {
        ok: true,
        message: { ...base, offer: { sdp: body['sdp'] as string, msisdn: { e164: msisdn['e164'] } } },
      };
    }
    case 'answer': {
      if (!isRecord(body)) return refuse('answer must be an object');
      const problem = extraKeys('answer', body, ['sdp']) ?? sdpOf('answer', body);
      if (problem !== undefined) return refuse(problem);
      return { ok: true, message: { ...base, answer: { sdp: body['sdp'] as string } } };
    }
    case 'ringing':
    case 'bye': {
      const problem = empty(member, body);
      if (problem !== undefined) return refuse(problem);
      return { ok: true, message: { ...base, [member]: {} } };
    }
    case 'action': {
      if (!isRecord(body)) return refuse('action must be an object');
      const problem = extraKeys('action', body, ['toPhone']) ?? empty('action.toPhone', body['toPhone']);
      if (problem !== undefined) return refuse(problem);
      return { ok: true, message: { ...base, action: { toPhone: {} } } };
    }
  }
}

const E164 = (msisdn: { e164?: string } | null | undefined): { e164: string } | undefined =>
  msisdn?.e164 === undefined || msisdn.e164 === '' ? undefined : { e164: msisdn.e164 };

/**
 * A message of the stream as the page reads it: the member that is set and
 * `callId`; undefined for a message with no member (nothing the page could use).
 */
export function toPageMessage(message: WebTerminalMessage): CoreToPage | undefined {
  const callId = message.callId ?? '';
  switch (messageKind(message)) {
    case 'offer': {
      const msisdn = E164(message.offer?.msisdn);
      const sdp = message.offer?.sdp ?? '';
      return { offer: msisdn === undefined ? { sdp } : { sdp, msisdn }, callId };
    }
    case 'answer':
      return { answer: { sdp: message.answer?.sdp ?? '' }, callId };
    case 'ringing':
      return { ringing: {}, callId };
    case 'bye':
      return { bye: {}, callId };
    case 'idle':
      return { idle: {}, callId };
    case 'inCall': {
      const msisdn = E164(message.inCall?.msisdn);
      return { inCall: msisdn === undefined ? {} : { msisdn }, callId };
    }
    case 'error':
      return { error: { err: (message.error?.err ?? 'UNKNOWN') as PageErrorCode }, callId };
    case 'action':
    case undefined:
      return undefined;
  }
}

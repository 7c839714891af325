/**
 * What a B2BUA copies from one leg to the other, as pure functions: the
 * end-to-end header fields (never Via, Route, Record-Route, Contact,
 * Call-ID, CSeq, From/To tags: each leg has its own), the new INVITE of an
 * outgoing leg, Max-Forwards minus one, Session-ID (RFC 7989), and the
 * choice of the final response when every leg failed.
 */
import {
  DialogError,
  NULL_SESSION_UUID,
  SipRequest,
  createTag,
  parseUri,
  serializeNameAddress,
  type SipMessage,
  type SipResponse,
  type Uri,
} from '@sipbreakout/sip-core';

/**
 * Header fields that belong to one leg's dialog or transaction, or that the
 * stack writes itself: never copied to the other leg.
 */
export const LEG_LOCAL_HEADERS: ReadonlySet<string> = new Set([
  'via',
  'route',
  'record-route',
  'contact',
  'call-id',
  'cseq',
  'from',
  'to',
  'max-forwards',
  'content-length',
  'authorization',
  'proxy-authorization',
  'www-authenticate',
  'proxy-authenticate',
  'allow',
  'supported',
  'require',
  'proxy-require',
  'rseq',
  'rack',
  'timestamp',
]);

/**
 * The option tags an outgoing leg's INVITE keeps from the incoming one's
 * `Supported` and `Require` (the others name extensions of the caller's own
 * hop, which the B2BUA does not relay): `100rel`, whose reliable
 * provisional responses and PRACKs the B2BUA relays end to end (RFC 3262),
 * and `precondition` (RFC 3312), which rests on them and on UPDATE in the
 * early dialog, relayed too.
 */
export const END_TO_END_OPTION_TAGS: ReadonlySet<string> = new Set(['100rel', 'precondition']);

/** The `Supported` and `Require` header fields of `message` with only the tags in `keep` (none when no tag is left). */
export function relayedOptionTags(
  message: SipMessage,
  keep: ReadonlySet<string> = END_TO_END_OPTION_TAGS,
): Array<readonly [string, string]> {
  const out: Array<readonly [string, string]> = [];
  for (const name of ['Supported', 'Require'] as const) {
    const tags: string[] = [];
    for (const value of message.headers.getAll(name)) {
      for (const t of value.split(',')) {
        const tag = t.trim();
        if (keep.has(tag.toLowerCase()) && !tags.includes(tag)) tags.push(tag);
      }
    }
    if (tags.length > 0) out.push([name, tags.join(', ')]);
  }
  return out;
}

/** A message's end-to-end content as a hook may rewrite it before it is sent on the other leg. */
export interface RelayedContent {
  /** Header fields to add (the end-to-end ones of the original, by default). */
  headers: Array<readonly [string, string]>;
  /** The body (SDP, INFO payload…); undefined for none. */
  body: Uint8Array | undefined;
  /** For responses: the reason phrase. */
  reason?: string;
}

/** The header fields of `message` that travel end to end (not in {@link LEG_LOCAL_HEADERS}). */
export function endToEndHeaders(message: SipMessage): Array<readonly [string, string]> {
  const out: Array<readonly [string, string]> = [];
  const h = message.headers;
  for (let i = 0; i < h.keys.length; i++) {
    if (!LEG_LOCAL_HEADERS.has(h.keys[i] as string)) out.push([h.names[i] as string, h.values[i] as string]);
  }
  return out;
}

/** The content of `message` to relay: its end-to-end header fields and body. */
export function relayedContent(message: SipMessage): RelayedContent {
  const content: RelayedContent = {
    headers: endToEndHeaders(message),
    body: message.body.length > 0 ? message.body : undefined,
  };
  if (message.kind === 'response') content.reason = message.reason;
  return content;
}

/** Whether a hook returned a promise (what it rewrites then waits for it) rather than nothing. */
export function isPromiseLike<T = void>(value: unknown): value is PromiseLike<T> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** The status a peer gets when a relay hook failed: the error's own `status` when it carries one from 300 to 699 (a media relay down: 503), else 500. */
export function statusOfHookError(error: unknown): number {
  const status = typeof error === 'object' && error !== null ? (error as { status?: unknown }).status : undefined;
  return typeof status === 'number' && Number.isInteger(status) && status >= 300 && status <= 699 ? status : 500;
}

/**
 * Runs a relay hook that may take its time: `go` right away when it
 * returns nothing, once its promise resolves when it returns one; `failed`
 * when it throws or its promise rejects.
 */
export function afterHook(run: () => void | PromiseLike<void>, go: () => void, failed: (error: unknown) => void): void {
  let result: void | PromiseLike<void>;
  try {
    result = run();
  } catch (error) {
    failed(error);
    return;
  }
  if (isPromiseLike(result)) Promise.resolve(result).then(go, failed);
  else go();
}

/** Max-Forwards for the next leg: one less than the request's (70 when absent, §8.1.1.6). */
export function nextMaxForwards(request: SipRequest): number {
  return (request.maxForwards ?? 71) - 1;
}

/** Where and how an outgoing leg's INVITE goes. */
export interface OutgoingInviteOptions {
  /** Request-URI of the new INVITE; default the incoming one. */
  readonly uri?: Uri | string;
  /** Session-ID value to use when the incoming INVITE has none (RFC 7989 §7). */
  readonly sessionId: string;
}

/**
 * The INVITE of an outgoing leg, built from the incoming one: its own
 * Call-ID, From tag and CSeq 1 (a B2BUA is two UAs, RFC 3261 §6), From and
 * To addresses kept, Max-Forwards one less, the end-to-end header fields and
 * the body copied, the option tags of {@link END_TO_END_OPTION_TAGS} kept in
 * `Supported` and `Require`, Session-ID kept, or added when missing (RFC
 * 7989 §7). No
 * Via and no Contact: the layers below add them.
 */
export function createOutgoingInvite(incoming: SipRequest, options: OutgoingInviteOptions): SipRequest {
  let uri: Uri = incoming.uri;
  if (typeof options.uri === 'string') {
    const parsed = parseUri(options.uri);
    if (!parsed.ok) throw new DialogError('DIALOG_ERR_BAD_TARGET', parsed.error.message);
    uri = parsed.uri;
  } else if (options.uri !== undefined) {
    uri = options.uri;
  }
  const from = incoming.from;
  const headers: Array<readonly [string, string]> = [
    ['Max-Forwards', String(nextMaxForwards(incoming))],
    ['From', `${serializeNameAddress({ ...from, params: from.params.without('tag') })};tag=${createTag()}`],
    ['To', incoming.headers.get('To') ?? ''],
    ['Call-ID', `${createTag()}${createTag()}`],
    ['CSeq', '1 INVITE'],
  ];
  headers.push(...endToEndHeaders(incoming), ...relayedOptionTags(incoming));
  if (!incoming.headers.has('Session-ID'))
    headers.push(['Session-ID', `${options.sessionId};remote=${NULL_SESSION_UUID}`]);
  return new SipRequest({ method: 'INVITE', uri, headers, body: incoming.body });
}

/**
 * The response to pass back when every leg failed (after RFC 3261 §16.7
 * step 6): a 6xx if any, else the lowest class, the first received within
 * it; 408 when there is none.
 */
export function chooseFinalResponse<T extends Pick<SipResponse, 'status'>>(responses: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const r of responses) {
    if (r.status >= 600) return r;
    if (best === undefined || Math.floor(r.status / 100) < Math.floor(best.status / 100)) best = r;
  }
  return best;
}

import { parseMessage, serializeAuthValue, type SipRequest, type SipResponse } from '@sipbreakout/sip-core';
import { digestHash, type DigestAlgorithm } from '../../src/sip/index.js';

/** What a REGISTER carries, for tests. */
export interface RegisterInput {
  readonly user?: string;
  readonly domain?: string;
  readonly callId?: string;
  readonly cseq?: number;
  readonly contacts?: readonly string[];
  readonly expires?: number;
  readonly extra?: readonly string[];
  readonly authorization?: string;
  readonly method?: string;
}

/** Builds and parses a REGISTER. */
export function register(input: RegisterInput = {}): SipRequest {
  const user = input.user ?? 'alice';
  const domain = input.domain ?? 'example.com';
  const method = input.method ?? 'REGISTER';
  const lines = [
    `${method} sip:${domain} SIP/2.0`,
    'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK' + Math.random().toString(36).slice(2),
    'Max-Forwards: 70',
    `From: <sip:${user}@${domain}>;tag=abc`,
    `To: <sip:${user}@${domain}>`,
    `Call-ID: ${input.callId ?? 'call-1@192.0.2.10'}`,
    `CSeq: ${input.cseq ?? 1} ${method}`,
    ...(input.contacts ?? ['<sip:alice@192.0.2.10:5060>']).map((c) => `Contact: ${c}`),
    ...(input.expires === undefined ? [] : [`Expires: ${input.expires}`]),
    ...(input.authorization === undefined ? [] : [`Authorization: ${input.authorization}`]),
    ...(input.extra ?? []),
    'Content-Length: 0',
    '',
    '',
  ];
  const parsed = parseMessage(lines.join('\r\n'));
  if (!parsed.ok || parsed.message.kind !== 'request') throw new Error(`bad test request: ${JSON.stringify(parsed)}`);
  return parsed.message;
}

/** What {@link answer} may change in the credentials it computes. */
export interface AnswerOptions {
  readonly user?: string;
  readonly password?: string;
  /** The challenge answered and the hash used; defaults to SHA-256. */
  readonly algorithm?: DigestAlgorithm;
  /** The `algorithm` parameter sent, when not the algorithm's name; null leaves it out. */
  readonly algorithmParam?: string | null;
  /** The `realm` sent (and hashed), when not the challenge's. */
  readonly realm?: string;
  /** The `qop` sent, when not `auth`; null leaves it out. */
  readonly qop?: string | null;
  readonly nc?: number;
  /** The `uri` sent (and hashed); defaults to `sip:<realm>`, the test REGISTER's Request-URI. */
  readonly uri?: string;
  readonly method?: string;
}

/** The Authorization a client computes for a challenge (RFC 7616 §3.4.1), qop=auth. */
export function answer(challenge: SipResponse, options: AnswerOptions = {}): string {
  const algorithm = options.algorithm ?? 'SHA-256';
  const offered = challenge.wwwAuthenticate.find((c) => c.params.get('algorithm') === algorithm);
  if (offered === undefined) throw new Error(`no ${algorithm} challenge`);
  const challenged = offered.params.get('realm') as string;
  const realm = options.realm ?? challenged;
  const nonce = offered.params.get('nonce') as string;
  const user = options.user ?? 'alice';
  const uri = options.uri ?? `sip:${challenged}`;
  const nc = (options.nc ?? 1).toString(16).padStart(8, '0');
  const cnonce = 'f00dcafe';
  const qop = options.qop === undefined ? 'auth' : options.qop;
  const ha1 = digestHash(algorithm, `${user}:${realm}:${options.password ?? 'secret-a'}`);
  const ha2 = digestHash(algorithm, `${options.method ?? 'REGISTER'}:${uri}`);
  const response = digestHash(algorithm, `${ha1}:${nonce}:${nc}:${cnonce}:${qop ?? 'auth'}:${ha2}`);
  const algorithmParam = options.algorithmParam === undefined ? algorithm : options.algorithmParam;
  const params = new Map([
    ['username', user],
    ['realm', realm],
    ['nonce', nonce],
    ['uri', uri],
    ['response', response],
  ]);
  if (algorithmParam !== null) params.set('algorithm', algorithmParam);
  if (qop !== null) {
    params.set('qop', qop);
    params.set('nc', nc);
    params.set('cnonce', cnonce);
  }
  return serializeAuthValue({ scheme: 'Digest', params });
}

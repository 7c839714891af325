import { expect } from 'vitest';
import { Params, type SipMessage } from '../../src/index.js';

/**
 * A structure with the library's classes turned into plain data, so that
 * `toEqual` compares values: {@link Params} become `[name, value]` lists in
 * order, Maps become entry lists, and properties that are `undefined` are
 * dropped.
 */
export function toPlain(value: unknown): unknown {
  if (value instanceof Params) return value.entries().map(([name, v]) => [name, v]);
  if (value instanceof Map) return [...value.entries()].map(([k, v]) => [toPlain(k), toPlain(v)]);
  if (value instanceof Uint8Array) return Array.from(value);
  if (Array.isArray(value)) return value.map(toPlain);
  if (typeof value === 'object' && value !== null) {
    // Keys sorted, so that two equal values also stringify the same (see expectSame).
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = toPlain(v);
    }
    return out;
  }
  return value;
}

/**
 * Asserts that two plain values are equal: a fast comparison of their JSON,
 * and vitest's structural diff only when they differ (it is slow on the large
 * values property tests compare thousands of times).
 */
export function expectSame(actual: unknown, expected: unknown): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) expect(actual).toEqual(expected);
}

/** The typed accessors of the message layer, read into plain data (a thrown error propagates). */
export const TYPED_ACCESSORS = [
  'via',
  'from',
  'to',
  'callId',
  'cseq',
  'maxForwards',
  'contact',
  'route',
  'recordRoute',
  'contentLength',
  'contentType',
  'expires',
  'sessionId',
  'pAssertedIdentity',
  'authorization',
  'proxyAuthorization',
  'wwwAuthenticate',
  'proxyAuthenticate',
] as const;

/** Every typed accessor of `message`, read into plain data. */
export function typedView(message: SipMessage): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of TYPED_ACCESSORS) out[name] = toPlain(message[name]);
  return out;
}

/** The start line, headers, body and typed view of a message, as plain data. */
export function messageView(message: SipMessage): Record<string, unknown> {
  const start =
    message.kind === 'request'
      ? { kind: message.kind, method: message.method, uri: toPlain(message.uri) }
      : { kind: message.kind, status: message.status, reason: message.reason };
  return { ...start, headers: message.headers.entries(), body: Array.from(message.body), typed: typedView(message) };
}

/**
 * fast-check arbitraries for property tests of code that uses
 * `@sipbreakout/sip-core`: valid URIs, requests and responses (as message
 * objects and as bytes), and a mutator that damages valid messages.
 *
 * ```ts
 * import fc from 'fast-check';
 * import { parseMessage } from '@sipbreakout/sip-core';
 * import { arbitraryMutatedBytes } from '@sipbreakout/sip-core/testing';
 *
 * fc.assert(fc.property(arbitraryMutatedBytes(), (bytes) => { parseMessage(bytes); }));
 * ```
 *
 * It also holds a small world for whole call flows without sockets or
 * sleeps ({@link createCallWorld}: agents with a dialog layer each, on a
 * memory network and a manual clock), which the tests of this package and
 * of the packages built on it share.
 *
 * The certificate authority of `@sipbreakout/sip-core/pki` is re-exported
 * here, so that a test suite finds its helpers in one place.
 *
 * fast-check, and for the certificate authority `@peculiar/x509` and
 * `reflect-metadata`, are optional peer dependencies of this entry point
 * only; the main entry does not load them.
 * @packageDocumentation
 */
import fc from 'fast-check';
import type { SipRequest, SipResponse, SipMessage } from '../message.js';
import type { SipUri, TelUri, Uri } from '../uri.js';
import { messageSample, requestSample, responseSample, type MessageSample } from './message-arbitraries.js';
import { applyMutations, arbitraryMutation } from './mutate.js';
import { sipUriSample, telUriSample, uriSample } from './uri-arbitraries.js';

export type { ExpectedHeaders, MessageSample } from './message-arbitraries.js';
export type { Mutation, MutateOptions } from './mutate.js';
export { applyMutation, applyMutations, arbitraryMutation, mutateMessage } from './mutate.js';
export type { GeneratedUri, UriPlace } from './uri-arbitraries.js';
export {
  CALLEE_SDP,
  CALLER_SDP,
  answerInvites,
  bodyText,
  createCallWorld,
  createTestInvite,
  receivedRequests,
  startLines,
} from './call-world.js';
export type { CallAgent, CallWorld, CallWorldOptions } from './call-world.js';
export { CertificateAuthority } from '../pki/index.js';
export type {
  CertificateAuthorityOptions,
  CertificateValidity,
  ExtendedKeyUsageName,
  LeafOptions,
  PemPair,
} from '../pki/index.js';

/** A valid `sip:` or `sips:` URI: user with escapes, password, host name / IPv4 / IPv6 reference, port, parameters, headers. */
export function arbitrarySipUri(): fc.Arbitrary<SipUri> {
  return sipUriSample('name-addr').map((s) => s.uri);
}

/** A valid `tel:` URI (RFC 3966): global, or local with its `phone-context`, with parameters. */
export function arbitraryTelUri(): fc.Arbitrary<TelUri> {
  return telUriSample().map((s) => s.uri);
}

/** A valid URI: SIP, tel, or another scheme kept opaque. */
export function arbitraryUri(): fc.Arbitrary<Uri> {
  return uriSample('name-addr').map((s) => s.uri);
}

/**
 * A valid URI with the text that encodes it, fit for `place` (a
 * Request-URI has no URI headers nor `method` parameter; a bare addr-spec
 * has no `;`, `?` or `,`).
 */
export function arbitraryUriSample(
  place: 'request-uri' | 'name-addr' | 'addr-spec' = 'name-addr',
): fc.Arbitrary<{ readonly uri: Uri; readonly text: string }> {
  return uriSample(place);
}

/** A valid request, built with the {@link SipRequest} constructor. */
export function arbitraryRequest(): fc.Arbitrary<SipRequest> {
  return requestSample().map((s) => s.message);
}

/** A valid response, built with the {@link SipResponse} constructor. */
export function arbitraryResponse(): fc.Arbitrary<SipResponse> {
  return responseSample().map((s) => s.message);
}

/** A valid request or response. */
export function arbitraryMessage(): fc.Arbitrary<SipMessage> {
  return messageSample().map((s) => s.message);
}

/**
 * The bytes of a valid request: no line folding, but otherwise varied syntax
 * (compact and oddly cased names, whitespace around colons, commas,
 * semicolons and slashes, unknown headers, several Via fields and entries,
 * IPv6 hosts, quoted display names with escapes, bodies with a correct
 * Content-Length).
 */
export function arbitraryRequestBytes(): fc.Arbitrary<Uint8Array> {
  return requestSample().map((s) => s.bytes);
}

/** The bytes of a valid response, varied as {@link arbitraryRequestBytes} describes. */
export function arbitraryResponseBytes(): fc.Arbitrary<Uint8Array> {
  return responseSample().map((s) => s.bytes);
}

/** The bytes of a valid request or response. */
export function arbitraryMessageBytes(): fc.Arbitrary<Uint8Array> {
  return messageSample().map((s) => s.bytes);
}

/**
 * A valid message three ways: the object, its bytes (varied syntax), the
 * bytes `serializeMessage` must write for it, and what its typed accessors
 * must return. For codec tests that need an oracle.
 */
export function arbitraryMessageSample(): fc.Arbitrary<MessageSample> {
  return messageSample();
}

/** Options of {@link arbitraryMutatedBytes}. */
export interface MutatedBytesOptions {
  /** Most mutations applied to one message. Default 4. */
  readonly maxMutations?: number;
}

/** The bytes of a valid message damaged by one or more {@link Mutation}s (shrinks to the fewest and simplest). */
export function arbitraryMutatedBytes(options?: MutatedBytesOptions): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(
      arbitraryMessageBytes(),
      fc.array(arbitraryMutation(), { minLength: 1, maxLength: options?.maxMutations ?? 4 }),
    )
    .map(([bytes, mutations]) => applyMutations(bytes, mutations));
}

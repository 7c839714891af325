/**
 * @packageDocumentation
 * The SIP registrar of RFC 3261 §10.3: REGISTER requests in, responses out,
 * bindings kept in memory, every request authenticated with Digest (RFC 7616,
 * RFC 8760) against a store of endpoints holding HA1 digests only. Its
 * refusals are the `RegistrarError`s of the main entry,
 * `@sipbreakout/registrar`.
 */
export {
  CredentialStore,
  DIGEST_ALGORITHMS,
  digestHash,
  type DigestAlgorithm,
  type Endpoint,
  type EndpointInput,
} from './credential-store.js';
export {
  DigestAuthenticator,
  type DigestAuthenticatorOptions,
  type DigestVerdict,
} from './digest-authenticator.js';
export { SipRegistrar, type Binding, type SipRegistrarOptions } from './sip-registrar.js';

import type { HostKind } from './host.js';
import type { Params } from './params.js';

/**
 * A `sip:` or `sips:` URI (RFC 3261 §19.1). Every part is kept as written,
 * escapes included, so that it serializes back to the same text; use
 * {@link unescapeUriPart} to read the user part as characters.
 */
export interface SipUri {
  readonly kind: 'sip';
  /** Lower-case scheme. */
  readonly scheme: 'sip' | 'sips';
  readonly user: string | undefined;
  readonly password: string | undefined;
  /** Host as written; an IPv6 reference keeps its brackets. */
  readonly host: string;
  readonly hostKind: HostKind;
  readonly port: number | undefined;
  readonly params: Params;
  /** The `?name=value&…` headers. */
  readonly headers: Params;
}

/** A `tel:` URI (RFC 3966). */
export interface TelUri {
  readonly kind: 'tel';
  readonly scheme: 'tel';
  /** The number as written, visual separators included (`+1-201-555-0123`). */
  readonly number: string;
  /** True for a global number (one that starts with `+`). */
  readonly global: boolean;
  readonly params: Params;
}

/** A URI of any other scheme, kept opaque (RFC 3261 `absoluteURI`). */
export interface AbsoluteUri {
  readonly kind: 'absolute';
  /** Lower-case scheme. */
  readonly scheme: string;
  /** Everything after the first colon, as written. */
  readonly opaque: string;
}

/** Any URI the message layer understands. Switch on `kind`. */
export type Uri = SipUri | TelUri | AbsoluteUri;

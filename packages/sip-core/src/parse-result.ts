import type { SipParseError } from './errors.js';
import type { SipMessage } from './message.js';

/**
 * The result of {@link parseMessage}: a message, or what was wrong with the input.
 * Its own file because every step of a parse (the start line, the header
 * split, the checks) may end it early with one.
 */
export type ParseResult =
  | { readonly ok: true; readonly message: SipMessage }
  | { readonly ok: false; readonly error: SipParseError };

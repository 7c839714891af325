import { parseDigits } from './charset.js';
import type { SipMessage } from './message.js';
import { serializeUri } from './uri.js';

/** Options of {@link serializeMessage}. */
export interface SerializeOptions {
  /**
   * `'auto'` (the default) writes a Content-Length that matches the body:
   * the existing header's value is corrected in the output, or one is
   * appended. `'preserve'` writes the headers exactly as they are.
   */
  readonly contentLength?: 'auto' | 'preserve';
}

/**
 * Serializes a message to bytes (RFC 3261 §7): the start line, every header
 * field in order as `name: value`, an empty line, and the body. A message
 * that came from {@link parseMessage} comes back with the same start line,
 * header names, values and order (line folding becomes one space).
 */
export function serializeMessage(message: SipMessage, options?: SerializeOptions): Uint8Array {
  if (message.wire !== undefined) return Buffer.from(message.wire, 'latin1');
  let head =
    message.kind === 'request'
      ? message.method + ' ' + serializeUri(message.uri) + ' SIP/2.0\r\n'
      : 'SIP/2.0 ' + message.status + ' ' + message.reason + '\r\n';
  const { names, keys, values } = message.headers;
  const bodyLength = message.body.length;
  const auto = options?.contentLength !== 'preserve';
  let wroteLength = false;
  for (let i = 0; i < names.length; i++) {
    let value = values[i] as string;
    if (auto && keys[i] === 'content-length') {
      if (wroteLength) continue;
      wroteLength = true;
      if (parseDigits(value, 0, value.length, 0x7fffffff) !== bodyLength) value = String(bodyLength);
    }
    head += (names[i] as string) + ': ' + value + '\r\n';
  }
  if (auto && !wroteLength) head += 'Content-Length: ' + bodyLength + '\r\n';
  head += '\r\n';
  if (bodyLength === 0) return Buffer.from(head, 'utf8');
  const headLength = Buffer.byteLength(head, 'utf8');
  const out = Buffer.allocUnsafe(headLength + bodyLength);
  out.write(head, 0, 'utf8');
  out.set(message.body, headLength);
  return out;
}

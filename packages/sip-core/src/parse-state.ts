import type { PartialRequest, SipErrorCode, SipParseError } from './errors.js';
import type { ParseResult } from './parse-result.js';
import type { Uri } from './uri.js';

/**
 * State shared by the steps of one parse, so errors can say where and what to answer.
 * @internal
 */
export class ParseState {
  readonly start: number;
  readonly head: string;
  readonly ascii: boolean;
  isRequest = false;
  method = '';
  requestUri = '';
  names: string[] = [];
  keys: string[] = [];
  values: string[] = [];
  uri: Uri | undefined;
  status = 0;
  reason = '';
  /** True when `head` is the whole message, body included: the split finds where the head ends. */
  readonly whole: boolean;
  /** Where the empty line that ends the header section starts in `head`. */
  headLength: number;

  constructor(start: number, head: string, ascii: boolean, whole: boolean) {
    this.start = start;
    this.head = head;
    this.ascii = ascii;
    this.whole = whole;
    this.headLength = head.length;
  }

  /** The byte offset in the input of character `index` of the head. */
  byteOffset(index: number): number {
    return this.start + (this.ascii ? index : Buffer.byteLength(this.head.slice(0, index), 'utf8'));
  }

  fail(code: SipErrorCode, message: string, index: number, status = 400): ParseResult {
    const error: { -readonly [K in keyof SipParseError]: SipParseError[K] } = {
      code,
      message,
      offset: this.byteOffset(index),
    };
    if (this.isRequest) {
      error.status = status;
      error.request = this.partial();
    }
    return { ok: false, error };
  }

  partial(): PartialRequest {
    const headers: Array<readonly [string, string]> = [];
    for (let i = 0; i < this.keys.length; i++) {
      const key = this.keys[i];
      if (key === 'via' || key === 'from' || key === 'to' || key === 'call-id' || key === 'cseq') {
        headers.push([this.names[i] as string, this.values[i] as string]);
      }
    }
    return { method: this.method, requestUri: this.requestUri, headers };
  }
}

/** @internal The error of a message whose header section has no end. */
export function noHeaderEnd(length: number): ParseResult {
  return earlyError('SIP_ERR_NO_HEADER_END', 'no empty line ends the header section', length);
}

/** @internal An error found before the start line is read: nothing to answer with yet. */
export function earlyError(code: SipErrorCode, message: string, offset: number, status?: number): ParseResult {
  return { ok: false, error: status === undefined ? { code, message, offset } : { code, message, offset, status } };
}

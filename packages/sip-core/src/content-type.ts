import { CLASS, TOKEN } from './charset.js';
import { parseHeaderParams } from './header-params.js';
import { Params } from './params.js';

/** A media type (RFC 3261 §20.15): `type/subtype;params`, type and subtype in lower case. */
export interface MediaType {
  readonly type: string;
  readonly subtype: string;
  readonly params: Params;
}

function scanToken(s: string, p: number, end: number): number {
  while (p < end) {
    const c = s.charCodeAt(p);
    if (c >= 128 || (CLASS[c]! & TOKEN) === 0) break;
    p++;
  }
  return p;
}

/**
 * Parses `m-type SLASH m-subtype *(SEMI m-parameter)`. Returns undefined
 * when malformed.
 * @internal
 */
export function parseMediaType(s: string): MediaType | undefined {
  const end = s.length;
  let p = scanToken(s, 0, end);
  if (p === 0) return undefined;
  const type = s.slice(0, p).toLowerCase();
  while (p < end && (s.charCodeAt(p) === 32 || s.charCodeAt(p) === 9)) p++;
  if (s.charCodeAt(p) !== 47) return undefined;
  p++;
  while (p < end && (s.charCodeAt(p) === 32 || s.charCodeAt(p) === 9)) p++;
  const subtypeStart = p;
  p = scanToken(s, p, end);
  if (p === subtypeStart) return undefined;
  const subtype = s.slice(subtypeStart, p).toLowerCase();
  let params = Params.EMPTY;
  if (p < end) {
    const flat: Array<string | null> = [];
    p = parseHeaderParams(s, p, end, flat);
    if (p !== end) return undefined;
    for (let i = 1; i < flat.length; i += 2) if (flat[i] === null) return undefined;
    params = new Params(flat);
  }
  return { type, subtype, params };
}

/** Serializes a media type. */
export function serializeMediaType(value: MediaType): string {
  return value.type + '/' + value.subtype + value.params.toString(';');
}

import { ALPHANUM, CLASS, HEX } from './charset.js';

/** What a host is: a domain name, an IPv4 address, or an IPv6 reference in brackets. */
export type HostKind = 'domain' | 'ipv4' | 'ipv6';

/** True when `s[start, end)` is a dotted-quad IPv4 address with each part from 0 to 255 (RFC 3261 §25.1). */
export function isIPv4(s: string, start: number, end: number): boolean {
  let parts = 0;
  let digits = 0;
  let value = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0) return false;
      parts++;
      digits = 0;
      value = 0;
      continue;
    }
    const d = c - 48;
    if (d < 0 || d > 9 || ++digits > 3) return false;
    value = value * 10 + d;
    if (value > 255) return false;
  }
  return parts === 3 && digits > 0;
}

/**
 * True when `s[start, end)` is an IPv6 address in any RFC 4291 §2.2 text
 * form: eight groups of one to four hex digits, at most one `::`, and an
 * optional IPv4 tail in place of the last two groups. Three colons in a row
 * are refused (RFC 5118 §4.10).
 */
export function isIPv6(s: string, start: number, end: number): boolean {
  if (end - start < 2) return false;
  let groups = 0;
  let compressed = false;
  let i = start;
  if (s.charCodeAt(i) === 58) {
    if (s.charCodeAt(i + 1) !== 58) return false;
    compressed = true;
    i += 2;
    if (i === end) return true;
  }
  while (i < end) {
    // One group, or an IPv4 tail.
    let j = i;
    while (j < end && j - i < 5 && isHex(s.charCodeAt(j))) j++;
    if (j < end && s.charCodeAt(j) === 46) {
      if (!isIPv4(s, i, end)) return false;
      groups += 2;
      i = end;
      break;
    }
    if (j === i || j - i > 4) return false;
    groups++;
    i = j;
    if (i === end) break;
    if (s.charCodeAt(i) !== 58) return false;
    i++;
    if (i < end && s.charCodeAt(i) === 58) {
      if (compressed) return false;
      compressed = true;
      i++;
      if (i === end) break;
      if (s.charCodeAt(i) === 58) return false;
    } else if (i === end) {
      return false;
    }
  }
  return compressed ? groups < 8 : groups === 8;
}

function isHex(c: number): boolean {
  return c < 128 && (CLASS[c]! & HEX) !== 0;
}

/**
 * True when `s[start, end)` is a host name of RFC 3261 §25.1: dot-separated
 * labels of alphanumerics and inner hyphens, the last one starting with a
 * letter, with an optional trailing dot. Linear in the length, whatever the input.
 */
export function isHostname(s: string, start: number, end: number): boolean {
  if (start >= end) return false;
  if (s.charCodeAt(end - 1) === 46) end--;
  let labelStart = start;
  for (let i = start; i <= end; i++) {
    const c = i < end ? s.charCodeAt(i) : 46;
    if (c === 46) {
      if (i === labelStart || s.charCodeAt(i - 1) === 45) return false;
      if (i === end) {
        // The top label starts with a letter.
        const first = s.charCodeAt(labelStart) | 32;
        return first >= 97 && first <= 122;
      }
      labelStart = i + 1;
    } else if (c === 45) {
      if (i === labelStart) return false;
    } else if (c >= 128 || (CLASS[c]! & ALPHANUM) === 0) {
      return false;
    }
  }
  return false;
}

/**
 * Classifies `s[start, end)` as a host: an IPv6 reference in brackets, an
 * IPv4 address, or a host name. Returns undefined when it is none of them.
 */
export function classifyHost(s: string, start: number, end: number): HostKind | undefined {
  if (start >= end) return undefined;
  const first = s.charCodeAt(start);
  if (first === 91) {
    return s.charCodeAt(end - 1) === 93 && isIPv6(s, start + 1, end - 1) ? 'ipv6' : undefined;
  }
  if (first >= 48 && first <= 57 && isIPv4(s, start, end)) return 'ipv4';
  return isHostname(s, start, end) ? 'domain' : undefined;
}

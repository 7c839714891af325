import { describe, expect, it } from 'vitest';
import { parseUri, sipUriEquals, uriEquals, type Uri } from '../src/index.js';

function uri(text: string): Uri {
  const parsed = parseUri(text);
  if (!parsed.ok) throw new Error(`bad test URI ${text}`);
  return parsed.uri;
}

// [rule of RFC 3261 §19.1.4, a, b, equivalent]; the examples of §19.1.4 are marked "(example)".
const TABLE: ReadonlyArray<readonly [string, string, string, boolean]> = [
  ['a SIP and a SIPS URI are never equivalent', 'sip:alice@atlanta.com', 'sips:alice@atlanta.com', false],
  ['the scheme is case-insensitive', 'SIP:alice@atlanta.com', 'sip:alice@atlanta.com', true],
  [
    'the user is case-sensitive (example)',
    'SIP:ALICE@AtLanTa.CoM;Transport=udp',
    'sip:alice@AtLanTa.CoM;Transport=UDP',
    false,
  ],
  ['the password is case-sensitive', 'sip:alice:Secret@atlanta.com', 'sip:alice:secret@atlanta.com', false],
  ['the same password matches', 'sip:alice:secret@atlanta.com', 'sip:alice:secret@atlanta.com', true],
  [
    'the host is case-insensitive, as are parameter names and values (example)',
    'sip:%61lice@atlanta.com;transport=TCP',
    'sip:alice@AtLanTa.CoM;Transport=tcp',
    true,
  ],
  [
    'an unreserved character equals its escape',
    'sip:alice@atlanta.com;foo=b%61r',
    'sip:alice@atlanta.com;foo=bar',
    true,
  ],
  ['an escape matches whatever the case of its hex digits', 'sip:a%3bb@atlanta.com', 'sip:a%3Bb@atlanta.com', true],
  ['a reserved character does not equal its escape', 'sip:a%3Bb@atlanta.com', 'sip:a;b@atlanta.com', false],
  ['an escaped % stays distinct from the escape it spells', 'sip:a%253Bb@atlanta.com', 'sip:a%3Bb@atlanta.com', false],
  [
    'an escaped upper-case letter in the user is still case-sensitive',
    'sip:%41lice@atlanta.com',
    'sip:alice@atlanta.com',
    false,
  ],
  ['a URI without a user does not match one with a user', 'sip:atlanta.com', 'sip:alice@atlanta.com', false],
  [
    'a URI without a password does not match one with a password',
    'sip:alice@atlanta.com',
    'sip:alice:secret@atlanta.com',
    false,
  ],
  ['another host does not match', 'sip:alice@atlanta.com', 'sip:alice@biloxi.com', false],
  [
    'a host name does not match the address it resolves to (example)',
    'sip:bob@phone21.boxesbybob.com',
    'sip:bob@192.0.2.4',
    false,
  ],
  [
    'an omitted port does not match the default port written out (example)',
    'sip:bob@biloxi.com',
    'sip:bob@biloxi.com:5060',
    false,
  ],
  ['another port does not match', 'sip:bob@biloxi.com:5060', 'sip:bob@biloxi.com:5070', false],
  ['the same port matches', 'sip:bob@biloxi.com:5060', 'sip:bob@biloxi.com:5060', true],
  [
    'transport present in one URI only never matches, even with its default (example)',
    'sip:bob@biloxi.com',
    'sip:bob@biloxi.com;transport=udp',
    false,
  ],
  [
    'port and transport in one URI only (example)',
    'sip:bob@biloxi.com',
    'sip:bob@biloxi.com:6000;transport=tcp',
    false,
  ],
  [
    'user parameter present in one URI only never matches',
    'sip:+15551234@gw.example.com',
    'sip:+15551234@gw.example.com;user=phone',
    false,
  ],
  ['ttl parameter present in one URI only never matches', 'sip:bob@biloxi.com', 'sip:bob@biloxi.com;ttl=1', false],
  [
    'method parameter present in one URI only never matches',
    'sip:bob@biloxi.com',
    'sip:bob@biloxi.com;method=INVITE',
    false,
  ],
  [
    'maddr present in one URI only never matches',
    'sip:bob@biloxi.com',
    'sip:bob@biloxi.com;maddr=239.255.255.1',
    false,
  ],
  [
    'a parameter in both must match',
    'sip:bob@biloxi.com;maddr=239.255.255.1',
    'sip:bob@biloxi.com;maddr=239.255.255.2',
    false,
  ],
  [
    'transport values compare case-insensitively',
    'sip:bob@biloxi.com;transport=TCP',
    'sip:bob@biloxi.com;transport=tcp',
    true,
  ],
  [
    'method values compare case-sensitively, as method names do (§7.1)',
    'sip:bob@biloxi.com;method=INVITE',
    'sip:bob@biloxi.com;method=invite',
    false,
  ],
  [
    'another parameter in one URI only is ignored (example)',
    'sip:carol@chicago.com',
    'sip:carol@chicago.com;newparam=5',
    true,
  ],
  [
    'another parameter in one URI only is ignored, even a different one on each side (example)',
    'sip:carol@chicago.com;newparam=5',
    'sip:carol@chicago.com;security=on',
    true,
  ],
  [
    'another parameter in both must match (example)',
    'sip:carol@chicago.com;security=on',
    'sip:carol@chicago.com;security=off',
    false,
  ],
  [
    'a flag parameter does not match the same parameter with a value',
    'sip:carol@chicago.com;lr',
    'sip:carol@chicago.com;lr=on',
    false,
  ],
  [
    'the order of parameters and headers is not significant (example)',
    'sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com',
    'sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com',
    true,
  ],
  [
    'the order of headers is not significant (example)',
    'sip:alice@atlanta.com?subject=project%20x&priority=urgent',
    'sip:alice@atlanta.com?priority=urgent&subject=project%20x',
    true,
  ],
  [
    'a header present in one URI only never matches (example)',
    'sip:carol@chicago.com',
    'sip:carol@chicago.com?Subject=next%20meeting',
    false,
  ],
  [
    'header names are case-insensitive',
    'sip:carol@chicago.com?Subject=next%20meeting',
    'sip:carol@chicago.com?subject=next%20meeting',
    true,
  ],
  [
    'header values compare after unescaping',
    'sip:carol@chicago.com?subject=%6Eext',
    'sip:carol@chicago.com?subject=next',
    true,
  ],
  ['header values must match', 'sip:carol@chicago.com?subject=next', 'sip:carol@chicago.com?subject=last', false],
];

describe('sipUriEquals (RFC 3261 §19.1.4)', () => {
  it.each(TABLE)('%s: %s vs %s → %s', (_rule, a, b, equivalent) => {
    const left = uri(a);
    const right = uri(b);
    if (left.kind !== 'sip' || right.kind !== 'sip') throw new Error('table rows are SIP URIs');
    expect(sipUriEquals(left, right)).toBe(equivalent);
    expect(sipUriEquals(right, left)).toBe(equivalent);
    expect(uriEquals(left, right)).toBe(equivalent);
  });
});

describe('uriEquals', () => {
  it('compares URIs that are not both SIP as text', () => {
    expect(uriEquals(uri('tel:+15551234'), uri('tel:+15551234'))).toBe(true);
    expect(uriEquals(uri('tel:+1-555-1234'), uri('tel:+15551234'))).toBe(false);
    expect(uriEquals(uri('sip:+15551234@gw.example.com'), uri('tel:+15551234'))).toBe(false);
    expect(uriEquals(uri('urn:service:sos'), uri('URN:service:sos'))).toBe(true);
  });
});

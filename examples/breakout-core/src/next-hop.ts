/**
 * The mobile next hop (`sip.mobile.nextHop`): where leg 4, direct calls and
 * a web terminal's calls go, with the called number in the Request-URI.
 */
import { ConfigError } from '@sipbreakout/service-kit';
import { parseUri, type SipUri } from '@sipbreakout/sip-core';

/** `sip.mobile.nextHop` read as a SIP URI; anything else is a `ConfigError` naming the key. */
export function parseNextHop(value: string): SipUri {
  const parsed = parseUri(value);
  if (!parsed.ok || parsed.uri.kind !== 'sip')
    throw new ConfigError('CONFIG_ERR_BAD_VALUE', `sip.mobile.nextHop = ${JSON.stringify(value)}: not a SIP URI`, {
      key: 'sip.mobile.nextHop',
    });
  return parsed.uri;
}

/** The Request-URI toward `number` at the next hop: its scheme, host, port and transport, the number as user. */
export function numberAtNextHop(nextHop: SipUri, number: string): string {
  const transport = nextHop.params.get('transport');
  return `${nextHop.scheme}:${number}@${nextHop.host}${nextHop.port === undefined ? '' : `:${nextHop.port}`}${typeof transport === 'string' ? `;transport=${transport}` : ''}`;
}

import { isE164 } from '@sipbreakout/routing';

/**
 * Which numbers a client token may manage: called with the token's client
 * and the E.164 number of the request. User tokens do not go through it (they
 * manage exactly their own number).
 */
export type ClientNumberPolicy = (client: string, phoneNumber: string) => boolean;

/** Every client may manage every number: for a deployment whose token issuer already restricts clients. */
export const allowAnyNumber: ClientNumberPolicy = () => true;

/** No client token may manage any number: only user tokens work. */
export const allowNoNumber: ClientNumberPolicy = () => false;

/**
 * Each client may manage the numbers that start with one of its prefixes
 * (E.164 with `+`: `'+4799'`, or a whole number). A client not in the table
 * may manage none.
 */
export function allowNumbersByPrefix(table: Readonly<Record<string, readonly string[]>>): ClientNumberPolicy {
  const prefixes = new Map<string, readonly string[]>();
  for (const [client, list] of Object.entries(table)) {
    for (const prefix of list) {
      if (!/^\+[0-9]{1,15}$/.test(prefix))
        throw new RangeError(`bad number prefix for ${client}: ${JSON.stringify(prefix)}`);
    }
    prefixes.set(client, list);
  }
  return (client, phoneNumber) =>
    isE164(phoneNumber) && (prefixes.get(client) ?? []).some((prefix) => phoneNumber.startsWith(prefix));
}

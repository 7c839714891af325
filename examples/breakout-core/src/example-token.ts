/**
 * The example tokens the core prints with the development signing key: a
 * client token allowed to manage registrations and to attach web terminals
 * (to a number it names in `wg2-msisdn`), so that a first registration and
 * a first terminal work on a fresh machine; and a user token bound to one
 * example number, the way a subscriber's own app would attach.
 */
import { CALL_ROUTING_WRITE } from '@sipbreakout/grpc-api';
import type { DevSigningKey } from '@sipbreakout/service-kit';
import { CALL_CONTROL_ANSWER_AND_INITIATE } from '@sipbreakout/web-terminal';

/** The API client the example tokens speak for. */
export const DEV_CLIENT = 'dev-client';

/** The scopes of the example client token. */
export const EXAMPLE_TOKEN_SCOPES = [CALL_ROUTING_WRITE, CALL_CONTROL_ANSWER_AND_INITIATE] as const;

/** The number the example user token binds a terminal to: a drama-range number (Ofcom 07700 900xxx), no subscriber's. */
export const EXAMPLE_TERMINAL_NUMBER = '+447700900124';

/** An example client token: `call.routing:write` and `call.control.answer_and_initiate` for {@link DEV_CLIENT}, valid 24 h. */
export function signExampleToken(key: DevSigningKey, issuer: string, audience: string): Promise<string> {
  return key.sign(
    { sub: DEV_CLIENT, client_id: DEV_CLIENT, scope: EXAMPLE_TOKEN_SCOPES.join(' ') },
    { expiresIn: '24h', issuer, audience },
  );
}

/** An example user token of {@link DEV_CLIENT} for `number`: `call.control.answer_and_initiate` only, valid 24 h. */
export function signExampleTerminalToken(
  key: DevSigningKey,
  issuer: string,
  audience: string,
  number: string = EXAMPLE_TERMINAL_NUMBER,
): Promise<string> {
  return key.sign(
    { sub: number, client_id: DEV_CLIENT, scope: CALL_CONTROL_ANSWER_AND_INITIATE },
    { expiresIn: '24h', issuer, audience },
  );
}

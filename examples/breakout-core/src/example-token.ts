/**
 * The example token the core prints with the development signing key: a
 * client token allowed to manage registrations, so that a first
 * registration works on a fresh machine.
 */
import { CALL_ROUTING_WRITE } from '@sipbreakout/grpc-api';
import type { DevSigningKey } from '@sipbreakout/service-kit';

/** The API client the example token speaks for. */
export const DEV_CLIENT = 'dev-client';

/** An example client token: `call.routing:write` for {@link DEV_CLIENT}, valid 24 h. */
export function signExampleToken(key: DevSigningKey, issuer: string, audience: string): Promise<string> {
  return key.sign(
    { sub: DEV_CLIENT, client_id: DEV_CLIENT, scope: CALL_ROUTING_WRITE },
    { expiresIn: '24h', issuer, audience },
  );
}

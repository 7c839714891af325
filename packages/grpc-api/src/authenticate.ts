import { status } from '@grpc/grpc-js';
import { scopesForPath } from './scopes.js';
import type { Principal, TokenVerifier } from './token-verifier.js';

/** The outcome of {@link authenticate}: who calls, or the gRPC status to fail the call with. */
export type AuthVerdict =
  | { readonly ok: true; readonly principal: Principal }
  | {
      readonly ok: false;
      readonly status: status.UNAUTHENTICATED | status.PERMISSION_DENIED;
      readonly details: string;
    };

const BEARER = /^Bearer[ ]+([A-Za-z0-9_.~+/-]+=*)$/i;

/**
 * Checks the `authorization` metadata of a call to `path`: a missing,
 * malformed or unverifiable bearer token is `UNAUTHENTICATED`; a valid token
 * without every scope {@link scopesForPath} requires is `PERMISSION_DENIED`.
 * Another service passes `requiredScopes`, its own method's scopes, instead
 * of the table lookup.
 */
export async function authenticate(
  authorization: readonly (string | Buffer)[],
  path: string,
  verifier: TokenVerifier,
  requiredScopes?: readonly string[],
): Promise<AuthVerdict> {
  if (authorization.length === 0) return unauthenticated('missing authorization: Bearer <token>');
  if (authorization.length > 1) return unauthenticated('more than one authorization header');
  const header = authorization[0];
  const match = typeof header === 'string' ? BEARER.exec(header.trim()) : null;
  const token = match?.[1];
  if (token === undefined) return unauthenticated('authorization is not "Bearer <token>"');
  const verdict = await verifier.verify(token);
  if (!verdict.ok) return unauthenticated(`invalid token: ${verdict.reason}`);
  const required = requiredScopes ?? scopesForPath(path);
  if (required === undefined)
    return { ok: false, status: status.PERMISSION_DENIED, details: `no scope table entry for ${path}` };
  const missing = required.filter((scope) => !verdict.principal.scopes.has(scope));
  if (missing.length > 0) {
    return { ok: false, status: status.PERMISSION_DENIED, details: `token lacks scope ${missing.join(' ')}` };
  }
  return verdict;
}

function unauthenticated(details: string): AuthVerdict {
  return { ok: false, status: status.UNAUTHENTICATED, details };
}

import { METHOD_PATHS, type MethodName } from './proto-files.js';

/** The scope that lets a token write call routing: every method of the service needs it. */
export const CALL_ROUTING_WRITE = 'call.routing:write';

/**
 * The scopes each method requires (all of them). Kept here rather than as
 * custom options in the .proto, so that reflection serves clean descriptors.
 */
export const METHOD_SCOPES: Readonly<Record<MethodName, readonly string[]>> = {
  UpsertRegistration: [CALL_ROUTING_WRITE],
  DeleteRegistration: [CALL_ROUTING_WRITE],
};

/** The scopes a gRPC path requires, or `undefined` for a path not in the table (refused). */
export function scopesForPath(path: string): readonly string[] | undefined {
  for (const name of Object.keys(METHOD_PATHS) as MethodName[]) {
    if (METHOD_PATHS[name] === path) return METHOD_SCOPES[name];
  }
  return undefined;
}

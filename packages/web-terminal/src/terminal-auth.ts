import { status, type Metadata } from '@grpc/grpc-js';
import { authenticate, type ClientNumberPolicy, type TokenVerifier } from '@sipbreakout/grpc-api';
import { isE164 } from '@sipbreakout/routing';
import { WEB_TERMINAL_METHOD_PATHS, WEB_TERMINAL_SCOPES, type WebTerminalMethodName } from './proto-files.js';

/** The request metadata in which a client token names the number the terminal attaches to. */
export const MSISDN_METADATA = 'wg2-msisdn';

/**
 * The request metadata in which a terminal names itself, so that it can
 * reattach after its stream drops and keep its calls (an extension of the
 * published API; without it a terminal's calls end with its stream).
 */
export const TERMINAL_ID_METADATA = 'wg2-terminal-id';

const TERMINAL_ID = /^[A-Za-z0-9._~-]{1,128}$/;

/** Who may attach, and to which number: the outcome of {@link authorizeTerminal}. */
export type TerminalAuthVerdict =
  | {
      readonly ok: true;
      /** The number the terminal attaches to (E.164). */
      readonly number: string;
      /** The OAuth client the token was issued to. */
      readonly client: string;
      /** The terminal's identity for reattach (its client and `wg2-terminal-id`), when it named one. */
      readonly identity: string | undefined;
    }
  | {
      readonly ok: false;
      readonly status: status.UNAUTHENTICATED | status.PERMISSION_DENIED | status.INVALID_ARGUMENT;
      readonly details: string;
    };

/** What {@link authorizeTerminal} checks against. */
export interface TerminalAuthOptions {
  readonly verifier: TokenVerifier;
  /** Which numbers a client token may attach terminals to. */
  readonly numberPolicy: ClientNumberPolicy;
}

/**
 * Checks a Pipe or MultiPipe call's metadata: the bearer token (missing or
 * invalid: `UNAUTHENTICATED`; without `call.control.answer_and_initiate`:
 * `PERMISSION_DENIED`), then the number. A user token attaches to its own
 * number (`sub`); a `wg2-msisdn` naming another is `PERMISSION_DENIED`. A
 * client token must name the number in `wg2-msisdn` (absent:
 * `PERMISSION_DENIED`, the token alone grants no number; not one E.164
 * number: `INVALID_ARGUMENT`) and its client's policy must allow it
 * (`PERMISSION_DENIED`). A `wg2-terminal-id` that is not 1–128 characters of
 * `[A-Za-z0-9._~-]` is `INVALID_ARGUMENT`.
 */
export async function authorizeTerminal(
  metadata: Metadata,
  method: WebTerminalMethodName,
  options: TerminalAuthOptions,
): Promise<TerminalAuthVerdict> {
  const auth = await authenticate(
    metadata.get('authorization'),
    WEB_TERMINAL_METHOD_PATHS[method],
    options.verifier,
    WEB_TERMINAL_SCOPES[method],
  );
  if (!auth.ok) return auth;
  const principal = auth.principal;
  const msisdn = single(metadata.get(MSISDN_METADATA));
  if (msisdn === null) return invalid(`${MSISDN_METADATA} must be given once, as text`);
  const terminalId = single(metadata.get(TERMINAL_ID_METADATA));
  if (terminalId === null || (terminalId !== undefined && !TERMINAL_ID.test(terminalId)))
    return invalid(`${TERMINAL_ID_METADATA} must be 1 to 128 characters of A-Z a-z 0-9 . _ ~ -`);
  let number: string;
  if (principal.kind === 'user') {
    if (msisdn !== undefined && msisdn !== principal.phoneNumber)
      return denied(`a user token attaches to its own number ${principal.phoneNumber}, not ${msisdn}`);
    number = principal.phoneNumber;
  } else {
    if (msisdn === undefined) return denied(`a client token must name the number in ${MSISDN_METADATA}`);
    if (!isE164(msisdn)) return invalid(`${MSISDN_METADATA} is not an E.164 number: ${JSON.stringify(msisdn)}`);
    if (!options.numberPolicy(principal.client, msisdn))
      return denied(`client ${JSON.stringify(principal.client)} may not attach to ${msisdn}`);
    number = msisdn;
  }
  const identity = terminalId === undefined ? undefined : `${principal.client}/${terminalId}`;
  return { ok: true, number, client: principal.client, identity };
}

/** The one text value of a metadata key: `undefined` when absent, `null` when repeated or binary. */
function single(values: readonly (string | Buffer)[]): string | undefined | null {
  if (values.length === 0) return undefined;
  const value = values[0];
  return values.length === 1 && typeof value === 'string' ? value.trim() : null;
}

function denied(details: string): TerminalAuthVerdict {
  return { ok: false, status: status.PERMISSION_DENIED, details };
}

function invalid(details: string): TerminalAuthVerdict {
  return { ok: false, status: status.INVALID_ARGUMENT, details };
}

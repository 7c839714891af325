import { defineErrorFamily, type ErrorTable } from '../error-kit.js';

/**
 * Stable error codes of the dialog layer and the B2BUA leg primitive
 * (RFC 3261 §12–§15). Thrown by the calls that refuse what they are asked,
 * or carried on events; check them with {@link isDialogError}.
 */
export const DIALOG_ERROR_CODES = {
  DIALOG_ERR_TERMINATED: { message: 'the dialog is terminated' },
  DIALOG_ERR_NOT_CONFIRMED: { message: 'the dialog is not confirmed yet' },
  DIALOG_ERR_NO_TARGET: { message: 'the dialog has no remote target (no Contact was received)' },
  DIALOG_ERR_BAD_TARGET: { message: 'the remote target or first route is not a SIP URI that can be reached' },
  DIALOG_ERR_INVALID_STATE: { message: 'the INVITE or leg cannot do that in its current state' },
  DIALOG_ERR_REQUEST_PENDING: { message: 'an INVITE transaction of this dialog is still pending (RFC 3261 §14.1)' },
  DIALOG_ERR_BAD_METHOD: { message: 'that method cannot be sent inside a dialog this way' },
  DIALOG_ERR_ALREADY_PAIRED: { message: 'the leg is already paired with another leg' },
  DIALOG_ERR_ACK_TIMEOUT: { message: 'no ACK arrived for the 2xx within 64·T1 (RFC 3261 §13.3.1.4)' },
  DIALOG_ERR_NO_100REL: {
    message:
      'the INVITE does not allow a reliable provisional response (RFC 3262 §3: no 100rel in Supported or Require)',
  },
} as const satisfies ErrorTable<'DIALOG_ERR'>;

/** One of the stable `DIALOG_ERR_…` codes. */
export type DialogErrorCode = keyof typeof DIALOG_ERROR_CODES;

const DIALOG_ERRORS = defineErrorFamily('DialogError', 'DIALOG_ERR', DIALOG_ERROR_CODES);

/** An error of the dialog layer; check it with {@link isDialogError}. */
export class DialogError extends DIALOG_ERRORS.Error {}

/**
 * True when `value` is a {@link DialogError} (from any copy of this package)
 * and, when `code` is given, carries that code.
 */
export function isDialogError(value: unknown, code?: DialogErrorCode): value is DialogError {
  return DIALOG_ERRORS.is(value, code);
}

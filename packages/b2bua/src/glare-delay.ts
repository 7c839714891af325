/**
 * How long a UA waits before it sends again a re-INVITE that met a 491
 * (RFC 3261 §14.1): both sides of a dialog sent one at once ("glare"), and
 * the random waits, longer for the side that generated the Call-ID, let
 * one of them go first.
 */

/**
 * The wait before a re-INVITE answered 491 is sent again, ms: RFC 3261
 * §14.1 has the owner of the dialog's Call-ID (the side that sent the
 * initial INVITE) wait from 2.1 to 4 s, the other side up to 2 s, both in
 * steps of 10 ms. `random` gives a number in [0, 1).
 */
export function glareDelay(ownsCallId: boolean, random: () => number = Math.random): number {
  // Steps of 10 ms: 2100..4000 (191 values) for the owner, 0..2000 (201 values) for the other side.
  const [from, steps] = ownsCallId ? [2100, 191] : [0, 201];
  return from + Math.min(steps - 1, Math.floor(random() * steps)) * 10;
}

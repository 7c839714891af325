/**
 * A copy of `text` that does not share the memory of the message it was cut
 * from. In V8 a slice of a string keeps the whole string alive: what lives
 * long after its message (a dialog's route set, the identity of a lingering
 * transaction) would otherwise keep every message it was read from.
 * @internal
 */
export function ownString(text: string): string {
  // Concatenation then slice: V8 flattens the pair into a new string, and the slice points into that
  // (slices under 13 characters are copied outright).
  return text.length < 13 ? text : ` ${text}`.slice(1);
}

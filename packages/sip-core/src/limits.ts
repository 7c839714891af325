/**
 * Limits that bound the work and memory a single message may cost. Hostile
 * input hits one of them and gets a typed error.
 */
export interface ParseLimits {
  /** Largest message, start line to end of body, in bytes. Default 65,535 (the largest UDP payload). */
  readonly maxMessageSize: number;
  /** Most header fields in one message. Default 256. */
  readonly maxHeaders: number;
  /** Longest header field (name, value and folding) in bytes. Default 8,192. */
  readonly maxHeaderLength: number;
  /** Most Via entries in one message. Default 100. */
  readonly maxVias: number;
}

/** The default {@link ParseLimits}. */
export const DEFAULT_PARSE_LIMITS: ParseLimits = Object.freeze({
  maxMessageSize: 65535,
  maxHeaders: 256,
  maxHeaderLength: 8192,
  maxVias: 100,
});

/** Fills the limits not given with the defaults. */
export function resolveLimits(limits: Partial<ParseLimits> | undefined): ParseLimits {
  if (limits === undefined) return DEFAULT_PARSE_LIMITS;
  return { ...DEFAULT_PARSE_LIMITS, ...limits };
}

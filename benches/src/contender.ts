import type { MessageSummary } from './checksum.js';
import type { CorpusMessage } from './corpus.js';

/** What a contender is handed: the raw bytes, or a string decoded from them once, before timing. */
export type InputForm = 'bytes' | 'utf8 string' | 'latin1 string';

/** Which line of the table a contender belongs to. */
export type ContenderRole = 'floor' | 'ours' | 'peer';

/** A contender with the corpus decoded into its input form, ready to be timed. */
export interface LoadedContender {
  /** Parses message `index`; returns 1 when it was accepted, 0 when rejected. */
  parseOnly(index: number): number;
  /**
   * Parses message `index` and reads every Via, From/To (URI host, tag),
   * Call-ID, CSeq, Contact, Route and Record-Route through the contender's own
   * API; returns the checksum of what it read (see `checksum.ts`).
   */
  parseAndRead(index: number): number;
  /**
   * Untimed: the same reads as `parseAndRead`, as values, so the run can check
   * that the contender really parsed. Throws when the contender rejects the
   * message. Absent for the floor, which parses nothing.
   */
  summarize?(index: number): MessageSummary;
}

/** A parser measured by the bench, or the floor. */
export interface Contender {
  /** Stable key in the JSON results, e.g. `drachtio-sip-lazy`. */
  readonly id: string;
  /** Name shown in the table, with the version that was loaded. */
  readonly label: string;
  readonly role: ContenderRole;
  readonly input: InputForm;
  /** One line on how this contender is driven, shown under the table. */
  readonly note: string;
  load(messages: readonly CorpusMessage[]): LoadedContender;
}

/** Thrown by `summarize` when a contender rejects a corpus message. */
export class ParseRejectedError extends Error {
  override readonly name = 'ParseRejectedError';
}

import { checksumSummary, compareSummaries, type MessageSummary } from './checksum.js';
import type { Contender, LoadedContender } from './contender.js';
import type { CorpusMessage } from './corpus.js';

/** A contender whose corpus passed verification, with what its timed loops must add up to. */
export interface VerifiedContender {
  readonly contender: Contender;
  readonly loaded: LoadedContender;
  /** Per message, what `parseOnly` returned in the verification pass. */
  readonly parseResults: readonly number[];
  /** Per message, what `parseAndRead` returned in the verification pass. */
  readonly readResults: readonly number[];
  /** Per message; empty for the floor. */
  readonly summaries: readonly MessageSummary[];
}

/** A corpus message that a contender rejected or misread: the run fails on it. */
export interface Problem {
  readonly contender: string;
  readonly message: string;
  readonly problem: string;
}

/** Something a peer read differently from the reference: reported, not failed. */
export interface Difference {
  readonly contender: string;
  readonly message: string;
  readonly difference: string;
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Untimed: the contender parses every message once. Its reads must give back
 * the Call-ID found by a plain text scan, and its timed read path must read
 * the same values as its summary. Pushes what went wrong onto `problems` and
 * returns undefined when anything did.
 */
export function verify(
  contender: Contender,
  corpus: readonly CorpusMessage[],
  problems: Problem[],
): VerifiedContender | undefined {
  const loaded = contender.load(corpus);
  const parseResults: number[] = [];
  const readResults: number[] = [];
  const summaries: MessageSummary[] = [];
  let ok = true;
  corpus.forEach((message, index) => {
    const report = (problem: string): void => {
      problems.push({ contender: contender.label, message: message.name, problem });
      ok = false;
    };
    try {
      // The summary first: when the contender rejects the message, it says why.
      const summary = loaded.summarize?.(index);
      const parsed = loaded.parseOnly(index);
      const read = loaded.parseAndRead(index);
      parseResults.push(parsed);
      readResults.push(read);
      if (summary === undefined) return;
      summaries.push(summary);
      if (parsed !== 1) report('rejected it in parse-only mode but not when reading');
      if (summary.callId !== message.expectedCallId) {
        report(`read Call-ID ${JSON.stringify(summary.callId)}, expected ${JSON.stringify(message.expectedCallId)}`);
      }
      if (checksumSummary(summary) !== read) {
        report('bench bug: the timed read path and the summary read different values');
      }
    } catch (error) {
      report(`rejected it: ${errorText(error)}`);
    }
  });
  return ok ? { contender, loaded, parseResults, readResults, summaries } : undefined;
}

/** What each contender read differently from `reference`, message by message. */
export function differencesFrom(
  reference: VerifiedContender,
  others: readonly VerifiedContender[],
  corpus: readonly CorpusMessage[],
): Difference[] {
  const differences: Difference[] = [];
  for (const other of others) {
    if (other === reference || other.summaries.length === 0) continue;
    corpus.forEach((message, index) => {
      const expected = reference.summaries[index];
      const actual = other.summaries[index];
      if (expected === undefined || actual === undefined) return;
      for (const difference of compareSummaries(expected, actual)) {
        differences.push({ contender: other.contender.label, message: message.name, difference });
      }
    });
  }
  return differences;
}

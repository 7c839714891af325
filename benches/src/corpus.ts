import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One message of the bench corpus, as read from disk. */
export interface CorpusMessage {
  /** File name, e.g. `invite-ims-sdp.sip`. */
  readonly name: string;
  /** The bytes exactly as on disk (CRLF line ends): what a socket would hand us. */
  readonly bytes: Buffer;
  /** The Call-ID, found by a plain text scan, to check that each contender really parsed. */
  readonly expectedCallId: string;
}

const CALL_ID_LINE = /^(?:call-id|i)[ \t]*:[ \t]*(.*?)[ \t]*$/im;

/** Reads every `*.sip` file of `directory`, sorted by name. */
export function loadCorpus(directory: string): CorpusMessage[] {
  const names = readdirSync(directory)
    .filter((name) => name.endsWith('.sip'))
    .sort();
  return names.map((name) => {
    const bytes = readFileSync(join(directory, name));
    const text = bytes.toString('latin1');
    const headerEnd = text.indexOf('\r\n\r\n');
    const head = headerEnd === -1 ? text : text.slice(0, headerEnd);
    const match = CALL_ID_LINE.exec(head);
    if (match === null || match[1] === undefined) {
      throw new Error(`corpus message ${name} has no Call-ID line`);
    }
    return { name, bytes, expectedCallId: match[1] };
  });
}

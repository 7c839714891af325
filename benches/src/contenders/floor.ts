import type { Contender, LoadedContender } from '../contender.js';
import type { CorpusMessage } from '../corpus.js';

/** Node's undocumented but long-standing fast path behind `buf.toString('latin1')`. */
interface Latin1Slicer {
  latin1Slice(start: number, end: number): string;
}

function decodeLatin1(bytes: Buffer): string {
  return (bytes as unknown as Latin1Slicer).latin1Slice(0, bytes.length);
}

/**
 * The floor: what any parser of this message must at least do, with no
 * parsing at all. Decodes the bytes as latin1, finds each header line, and
 * slices its name and value; it neither unfolds, nor trims, nor looks inside a
 * value. Reading the results is part of the work (their lengths go into the
 * returned sum), so "parse only" and "parse + read" are the same for it.
 */
function splitHeaders(bytes: Buffer): number {
  const text = decodeLatin1(bytes);
  let sum = 0;
  let lineStart = text.indexOf('\r\n') + 2;
  while (lineStart > 1 && lineStart < text.length) {
    let lineEnd = text.indexOf('\r\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    if (lineEnd === lineStart) break;
    const colon = text.indexOf(':', lineStart);
    if (colon !== -1 && colon < lineEnd) {
      const name = text.slice(lineStart, colon);
      const value = text.slice(colon + 1, lineEnd);
      sum = (sum + name.length + value.length) | 0;
    } else {
      // A continuation line of a folded header: part of the previous value.
      sum = (sum + lineEnd - lineStart) | 0;
    }
    lineStart = lineEnd + 2;
  }
  return sum;
}

/** The floor contender: latin1 decode, split into lines, slice header names and values. */
export const floor: Contender = {
  id: 'floor',
  label: 'floor (decode + split)',
  role: 'floor',
  input: 'bytes',
  note: 'floor: Buffer latin1Slice, indexOf CRLF per line, slice name and value at the first colon; no parsing',
  load(messages: readonly CorpusMessage[]): LoadedContender {
    const inputs = messages.map((message) => message.bytes);
    const run = (index: number): number => splitHeaders(inputs[index] as Buffer);
    return { parseOnly: run, parseAndRead: run };
  },
};

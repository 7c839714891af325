/**
 * What a program prints for a human once it is ready (on stderr, beside its
 * JSON logs on stdout): a headline that scripts wait for, where everything
 * listens as an aligned table, then paragraphs of what to do next, and how
 * to stop it.
 */

/** One line of the table: a label and what it listens on or holds; `notes` are lines more, under the value. */
export interface BannerRow {
  readonly label: string;
  readonly value: string;
  readonly notes?: readonly string[] | undefined;
}

/** The parts of a banner, in the order printed. */
export interface Banner {
  /** The first line (`sipbreakout core ready: …`); tests and scripts wait for it. */
  readonly headline: string;
  /** Lines right under the headline. */
  readonly about?: readonly string[] | undefined;
  readonly rows: readonly BannerRow[];
  /** Blocks of lines after the table, each followed by an empty line. */
  readonly paragraphs?: ReadonlyArray<readonly string[]> | undefined;
}

/** The last line of every banner: every program of the kit stops gracefully on these signals. */
export const STOP_LINE = 'Stop with Ctrl-C (SIGINT) or SIGTERM.';

/** The width the labels take: the longest label and three spaces. */
const LABEL_GAP = 3;
/** The indent of a table row. */
const ROW_INDENT = '  ';

/** The banner text (several lines, ending with a newline). */
export function formatBanner(banner: Banner): string {
  const width = Math.max(0, ...banner.rows.map((row) => row.label.length)) + LABEL_GAP;
  const under = ' '.repeat(ROW_INDENT.length + width);
  const lines = [banner.headline, ...(banner.about ?? []), ''];
  for (const row of banner.rows) {
    lines.push(`${ROW_INDENT}${row.label.padEnd(width)}${row.value}`, ...(row.notes ?? []).map((note) => under + note));
  }
  lines.push('');
  for (const paragraph of banner.paragraphs ?? []) lines.push(...paragraph, '');
  lines.push(STOP_LINE, '');
  return lines.join('\n');
}

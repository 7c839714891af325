/** Text formatting for the results table. */

/** `1234.5` → `1,235`; below 10, one decimal. */
export function formatNs(ns: number): string {
  if (!Number.isFinite(ns)) return '—';
  if (ns < 10) return ns.toFixed(1);
  return Math.round(ns).toLocaleString('en-US');
}

/** A ratio as `12.3×` (two significant decimals below 10). */
export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return '—';
  return ratio < 10 ? `${ratio.toFixed(2)}×` : `${ratio.toFixed(1)}×`;
}

/** A relative deviation as `±1.2%`. */
export function formatDeviation(relative: number): string {
  return `±${(relative * 100).toFixed(1)}%`;
}

/** Column alignment. */
export type Align = 'left' | 'right';

/** Renders rows as a plain-text table with a header rule; every cell is already a string. */
export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly Align[],
): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => {
        const width = widths[column] ?? cell.length;
        return align[column] === 'right' ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}

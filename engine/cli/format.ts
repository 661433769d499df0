/** Plain-text tables and durations for terminal output. */

export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => row[column]?.length ?? 0)));
  return cells
    .map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ').trimEnd())
    .join('\n');
}

export { formatDuration as duration } from '../core/duration.js';

/**
 * The terminal's width: stdout's columns on a terminal, else `COLUMNS` when set; undefined when
 * output goes to a file or a pipe, where a table stays whole (scripts read it).
 */
export function terminalWidth(): number | undefined {
  if (process.stdout.isTTY && process.stdout.columns > 0) return process.stdout.columns;
  const columns = Number(process.env.COLUMNS);
  return Number.isInteger(columns) && columns > 0 ? columns : undefined;
}

/**
 * A table no wider than `width`: columns named in `dropFirst` go, in that order, until it fits
 * (the others always stay). Returns the table and the columns it left out.
 */
export function fittedTable(headers: string[], rows: (string | number)[][], width: number | undefined, dropFirst: readonly string[]): { text: string; hidden: string[] } {
  const hidden: string[] = [];
  let shown = headers.map((_, index) => index);
  const render = () => table(shown.map((index) => headers[index]), rows.map((row) => shown.map((index) => row[index])));
  let text = render();
  for (const name of dropFirst) {
    if (width === undefined || Math.max(...text.split('\n').map((line) => line.length)) <= width) break;
    const index = headers.indexOf(name);
    if (index < 0 || !shown.includes(index)) continue;
    shown = shown.filter((column) => column !== index);
    hidden.push(name);
    text = render();
  }
  return { text, hidden };
}

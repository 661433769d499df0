/** Plain-text tables and durations for terminal output, and the parsing of numeric options. */
import { InvalidArgumentError } from 'commander';

/**
 * Columns of two spaces or more between cells; figures (counts, times, percentages) right-aligned
 * so they line up by their units, text left-aligned so it reads.
 */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => row[column]?.length ?? 0)));
  const figures = headers.map((_, column) => column > 0 && rows.length > 0 && rows.every((row) => isFigure(String(row[column] ?? ''))));
  return cells
    .map((row) => row.map((cell, column) => (figures[column] ? cell.padStart(widths[column]) : cell.padEnd(widths[column]))).join('  ').trimEnd())
    .join('\n');
}

/** `42`, `1,234`, `0.83`, `42%`, `112ms`, `1m5s`, `1 (1.0s)`, `2026-12-03 10:00:00`, or `-` for none. */
function isFigure(cell: string): boolean {
  return cell === '-' || (/^[-+]?\d/.test(cell) && !/[A-Za-z]{3,}/.test(cell));
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

/** A commander option parser for a whole number of at least `min` (`--limit`, `--offset`). */
export function wholeNumber(flag: string, min: number): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min) throw new InvalidArgumentError(`${flag} must be a whole number of at least ${min}`);
    return value;
  };
}

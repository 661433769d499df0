import { MappingError, show } from './mapping-error.js';

/** A parsed ISO-8601 date or date-time. `dateOnly` inputs keep their calendar date verbatim. */
export interface ParsedDate {
  /** The instant (midnight UTC for date-only inputs). */
  instant: Date;
  dateOnly: boolean;
  /** The input's own YYYY-MM-DD for date-only inputs; the UTC date of the instant otherwise. */
  date: string;
}

// YYYY-MM-DD, optionally followed by T or a space, hh:mm[:ss[.fraction]] and an offset. Strict on
// purpose: Date.parse accepts "2024-02-30" (as March 1st) and many locale formats that read
// differently on other machines.
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2})?)?)?$/;

const MONTH_LENGTHS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeap(year) ? 29 : MONTH_LENGTHS[month - 1];
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

export function formatUtcDate(instant: Date): string {
  return `${pad(instant.getUTCFullYear(), 4)}-${pad(instant.getUTCMonth() + 1, 2)}-${pad(instant.getUTCDate(), 2)}`;
}

/**
 * Parses an ISO-8601 date or date-time; null when the text is not one (or names a day that does
 * not exist). A date-time without an offset is read as UTC — APIs that omit the offset ("SQL"
 * timestamps) almost always mean UTC, and guessing the machine's zone would make results
 * depend on where the sync runs.
 */
export function parseIsoDate(text: string): ParsedDate | null {
  const m = ISO.exec(text.trim());
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  const date = `${m[1]}-${m[2]}-${m[3]}`;
  const instant = new Date(0);
  instant.setUTCFullYear(year, month - 1, day);
  if (m[4] === undefined) return { instant, dateOnly: true, date };

  const [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  const millis = Number((m[7] ?? '0').slice(0, 3).padEnd(3, '0'));
  const offsetHours = Number(m[10] ?? 0);
  const offsetMinutes = Number(m[11] ?? 0);
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return null;
  const offset = (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
  instant.setUTCHours(hour, minute - offset, second, millis);
  return { instant, dateOnly: false, date: formatUtcDate(instant) };
}

/** Like parseIsoDate, but explains the rejection. `step` prefixes the reason when a conversion calls it. */
export function requireIsoDate(raw: unknown, step?: string): ParsedDate {
  const prefix = step ? `${step}: ` : '';
  if (typeof raw === 'number') {
    throw new MappingError(
      `${prefix}unparsable date: ${show(raw)} (numbers are not read as epochs; add the conversion fromEpochSeconds or fromEpochMillis)`,
    );
  }
  const parsed = typeof raw === 'string' ? parseIsoDate(raw) : null;
  if (!parsed) throw new MappingError(`${prefix}unparsable date: ${show(raw)}`);
  return parsed;
}

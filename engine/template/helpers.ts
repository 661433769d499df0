import { createRequire } from 'node:module';

// luxon (half a megabyte of source every process would hold) loads on the first formatTime.
let luxon: typeof import('luxon') | undefined;
const loadLuxon = () => (luxon ??= createRequire(import.meta.url)('luxon') as typeof import('luxon'));

/**
 * The helpers every template may call. Time helpers accept what APIs and cursors actually hold:
 * ISO-8601 strings, Date objects, epoch seconds or epoch milliseconds (numbers or digit strings).
 * A missing input (undefined or null) yields undefined, which renders as '' — so `?since={{iso cursor.value}}`
 * is left out on a first run instead of failing; anything else that is not a time is an error.
 */

/** Numbers below this are epoch seconds (1e11 s is the year 5138; 1e11 ms is 1973). */
const SECONDS_LIMIT = 1e11;

const ISO_LIKE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/**
 * Reads a time the way the helpers do. Strings without a zone are UTC (SQL timestamps, date-only values),
 * never the machine's local time.
 */
export function parseTime(input: unknown, helper = 'time'): Date {
  const date = toDate(input);
  if (date === undefined || Number.isNaN(date.getTime())) {
    throw new Error(
      `${helper}: cannot read ${describeInput(input)} as a time ` +
        '(expected an ISO-8601 string, a Date, or epoch seconds/milliseconds)',
    );
  }
  return date;
}

function toDate(input: unknown): Date | undefined {
  if (input instanceof Date) return new Date(input.getTime());
  if (typeof input === 'number') return Number.isFinite(input) ? fromEpoch(input) : undefined;
  if (typeof input !== 'string') return undefined;
  const text = input.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return fromEpoch(Number(text));
  return parseIsoLike(text);
}

function fromEpoch(value: number): Date {
  return new Date(Math.abs(value) < SECONDS_LIMIT ? Math.round(value * 1000) : Math.round(value));
}

function parseIsoLike(text: string): Date | undefined {
  const m = ISO_LIKE.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone = 'Z'] = m;
  const ms = Number((frac + '000').slice(0, 3));
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  const probe = new Date(utc);
  // Date.UTC rolls 2024-02-31 over to March; a value that does not survive the round trip is not a date.
  if (
    probe.getUTCFullYear() !== Number(y) ||
    probe.getUTCMonth() !== Number(mo) - 1 ||
    probe.getUTCDate() !== Number(d) ||
    probe.getUTCHours() !== Number(h) ||
    probe.getUTCMinutes() !== Number(mi) ||
    probe.getUTCSeconds() !== Number(s)
  ) {
    return undefined;
  }
  return new Date(utc - zoneOffsetMinutes(zone) * 60_000);
}

function zoneOffsetMinutes(zone: string): number {
  if (zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  return sign * (hours * 60 + minutes);
}

function describeInput(input: unknown): string {
  if (typeof input === 'string') return JSON.stringify(input.length > 60 ? `${input.slice(0, 60)}…` : input);
  if (typeof input === 'number') return String(input);
  if (input instanceof Date) return 'an invalid Date';
  if (Array.isArray(input)) return 'an array';
  return `a value of type ${typeof input}`;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** YYYY-MM-DDTHH:mm:ss.sssZ */
export const formatIso = (date: Date): string => date.toISOString();
export const formatEpochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);
export const formatEpochMillis = (date: Date): number => date.getTime();
/** YYYY-MM-DD (UTC) */
export const formatDate = (date: Date): string =>
  `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
/** YYYY-MM-DD HH:mm:ss (UTC) */
export const formatSqlTime = (date: Date): string =>
  `${formatDate(date)} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;

/**
 * A time in an API's own literal form, by a pattern and an IANA time zone (luxon's tokens:
 * `yyyy/MM/dd HH:mm` for Jira's JQL, `yyyy-MM-dd HH:mm:ss` for ServiceNow, `EEE, dd MMM yyyy HH:mm:ss 'GMT'`
 * for RFC 1123). A pattern coarser than the time is its floor: 10:15:59 written `HH:mm` is 10:15, so a
 * `>=` filter on it re-reads what the literal cannot say instead of skipping it.
 */
export function formatTimeAs(input: unknown, pattern: unknown, zone: unknown): string | undefined {
  if (input == null) return undefined;
  if (typeof pattern !== 'string' || pattern === '') throw new Error('formatTime: the pattern must be a non-empty string, e.g. "yyyy/MM/dd HH:mm"');
  const { DateTime, Info } = loadLuxon();
  if (typeof zone !== 'string' || !Info.isValidIANAZone(zone)) {
    throw new Error(`formatTime: ${JSON.stringify(zone)} is not an IANA time zone (e.g. "UTC", "America/New_York")`);
  }
  return DateTime.fromJSDate(parseTime(input, 'formatTime'), { zone }).toFormat(pattern);
}

function timeHelper<T>(name: string, format: (date: Date) => T) {
  return (input: unknown): T | undefined => (input == null ? undefined : format(parseTime(input, name)));
}

/**
 * Text that is several path segments (GitHub's `owner/repo`): in a path each part is percent-encoded and
 * the slashes between them stay; elsewhere it is the text itself. A part that is empty, `.` or `..`
 * would change which resource the path names, so it is refused.
 */
export class PathSegments {
  constructor(readonly parts: readonly string[]) {}

  toString(): string {
    return this.parts.join('/');
  }
}

function pathSegments(input: unknown): PathSegments | undefined {
  if (input === undefined || input === null) return undefined;
  if (typeof input !== 'string' && typeof input !== 'number') throw new Error(`segments: expected text like "owner/repo", got ${describeInput(input)}`);
  const parts = String(input).split('/');
  const bad = parts.find((part) => part === '' || part === '.' || part === '..');
  if (bad !== undefined) throw new Error(`segments: ${describeInput(String(input))} has an ${bad === '' ? 'empty' : `"${bad}"`} segment, which would change the path`);
  return new PathSegments(parts);
}

/** Helper implementations, without Handlebars' trailing `options` argument (render.ts strips it). */
export const templateHelpers = {
  iso: timeHelper('iso', formatIso),
  epochSeconds: timeHelper('epochSeconds', formatEpochSeconds),
  epochMillis: timeHelper('epochMillis', formatEpochMillis),
  date: timeHelper('date', formatDate),
  sqlTime: timeHelper('sqlTime', formatSqlTime),
  formatTime: formatTimeAs,
  /** JSON text of a value; a missing value is `null`. */
  json: (input: unknown): string => JSON.stringify(input ?? null),
  /** The value, or the fallback when the value is missing, null or ''. */
  default: (input: unknown, fallback: unknown): unknown =>
    input === undefined || input === null || input === '' ? fallback : input,
  segments: pathSegments,
} satisfies Record<string, (...args: never[]) => unknown>;

export type HelperName = keyof typeof templateHelpers;

/** How many arguments each helper takes, for a clear error instead of a silent `undefined`. */
export const helperArity: Record<HelperName, number> = {
  iso: 1,
  epochSeconds: 1,
  epochMillis: 1,
  date: 1,
  sqlTime: 1,
  formatTime: 3,
  json: 1,
  default: 2,
  segments: 1,
};

export const helperNames = Object.keys(templateHelpers) as HelperName[];

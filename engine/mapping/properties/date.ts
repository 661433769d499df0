import type { PropertyValue } from '../../core/types.js';
import { daysInMonth, requireIsoDate, type ParsedDate } from '../iso-date.js';
import { MappingError, show } from '../mapping-error.js';
import { nullable, type PropertyType } from './type.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A range endpoint keeps its own precision: a calendar date stays a date, an instant becomes UTC. */
function formatEndpoint(parsed: ParsedDate): string {
  return parsed.dateOnly ? parsed.date : parsed.instant.toISOString();
}

function endpoint(raw: unknown, which: 'start' | 'end'): ParsedDate | null {
  if (raw === null || raw === undefined) return null;
  try {
    return requireIsoDate(raw);
  } catch (error) {
    throw new MappingError(`range ${which}: ${(error as Error).message}`);
  }
}

/**
 * dateRange takes `{ start, end }` (the structured value source, or an object at one path) or a
 * lone date as the start of an open range.
 */
function normalizeRange(raw: unknown): PropertyValue {
  if (raw === null || raw === undefined) return null;
  const pair = isRecord(raw) ? raw : typeof raw === 'string' ? { start: raw } : null;
  if (!pair || !('start' in pair || 'end' in pair)) {
    throw new MappingError(`expected a date range { start, end }, got ${show(raw)}`);
  }
  const start = endpoint(pair.start, 'start');
  const end = endpoint(pair.end, 'end');
  if (!start) {
    if (end) throw new MappingError(`date range has an end (${show(formatEndpoint(end))}) but no start`);
    return null;
  }
  if (end && end.instant.getTime() < start.instant.getTime()) {
    throw new MappingError(
      `date range ends (${show(formatEndpoint(end))}) before it starts (${show(formatEndpoint(start))})`,
    );
  }
  return { start: formatEndpoint(start), end: end ? formatEndpoint(end) : null };
}

/**
 * Already what dateTime stores (`2024-05-01T12:00:00.000Z`, a real instant): most APIs send it so,
 * and it needs no parsing beyond the check. Anything else takes the strict parser.
 */
function isCanonicalInstant(raw: unknown): raw is string {
  if (typeof raw !== 'string' || raw.length !== 24) return false;
  for (let i = 0; i < 24; i++) {
    const code = raw.charCodeAt(i);
    const expected = CANONICAL_SEPARATORS[i];
    if (expected === undefined ? code < 48 || code > 57 : code !== expected) return false;
  }
  const year = 100 * twoDigits(raw, 0) + twoDigits(raw, 2);
  const month = twoDigits(raw, 5);
  const day = twoDigits(raw, 8);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) && twoDigits(raw, 11) <= 23 && twoDigits(raw, 14) <= 59 && twoDigits(raw, 17) <= 59;
}

/** The number of the two digits at `at` (already checked to be digits). */
function twoDigits(text: string, at: number): number {
  return (text.charCodeAt(at) - 48) * 10 + text.charCodeAt(at + 1) - 48;
}

/** `YYYY-MM-DDThh:mm:ss.sssZ`: the character code at each separator; digits elsewhere. */
const CANONICAL_SEPARATORS: (number | undefined)[] = [];
for (const [at, char] of [[4, '-'], [7, '-'], [10, 'T'], [13, ':'], [16, ':'], [19, '.'], [23, 'Z']] as const) CANONICAL_SEPARATORS[at] = char.charCodeAt(0);

/**
 * `dateFormat` date → YYYY-MM-DD (a date-time becomes its UTC date); dateTime → ISO-8601 UTC with
 * milliseconds; dateRange → { start, end }. Numbers are refused with a hint: whether 1700000000
 * is seconds or milliseconds is for the spec to say (fromEpochSeconds/fromEpochMillis).
 */
export const date: PropertyType = {
  valueSchema: (property) => (property.dateFormat === 'dateRange'
    ? nullable('object', { required: ['start', 'end'], properties: { start: { type: 'string' }, end: { type: ['string', 'null'] } } })
    : nullable('string', { format: property.dateFormat === 'dateTime' ? 'date-time' : 'date' })),
  // date and dateTime are ISO strings; a range needs both ends.
  stored: (property) => (property.dateFormat === 'dateRange' ? 'dateRange' : 'text'),
  structured: {
    name: 'dateRange',
    keys: ['start', 'end'],
    required: ['start'],
    fits: (property) => property.type === 'date' && property.dateFormat === 'dateRange',
    noun: 'date',
    qualifier: ' with format: dateRange',
    needs: 'a date range needs start (end may be left out)',
  },
  normalize(raw, property) {
    const format = property.dateFormat ?? 'date';
    if (format === 'dateRange') return normalizeRange(raw);
    if (raw === null || raw === undefined) return null;
    if (format === 'dateTime' && isCanonicalInstant(raw)) return raw;
    const parsed = requireIsoDate(raw);
    return format === 'date' ? parsed.date : parsed.instant.toISOString();
  },
};

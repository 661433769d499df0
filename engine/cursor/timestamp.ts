/**
 * A modification time (`updated_at`), kept canonical as ISO-8601 UTC whatever the API's format, so
 * comparisons and caps never depend on string order; capped at now − buffer.
 */
import type { CursorFormat, CursorKind } from './type.js';

export const timestamp: CursorKind = {
  description: 'a timestamp cursor',
  timeField: false,
  timeFieldUnused: 'a timestamp cursor is its own time',
  inDeleteStream: true,
  relativeInitial: true,
  tieBreaker: true,
  start: '1970-01-01T00:00:00.000Z',
  canonical(raw, format) {
    const ms = timestampMs(raw, format);
    return ms === undefined ? { problem: `expected a timestamp (format ${format})` } : { value: new Date(ms).toISOString() };
  },
  compare: (a, b) => Date.parse(String(a)) - Date.parse(String(b)),
  capped: true,
  render(value, format) {
    const ms = Date.parse(String(value));
    const iso = new Date(ms).toISOString();
    switch (format) {
      case 'epochSeconds': return Math.floor(ms / 1000);
      case 'epochMillis': return ms;
      case 'date': return iso.slice(0, 10);
      case 'sql': return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
      default: return iso;
    }
  },
};

/** Epoch ms of a raw timestamp as the cursor's format reads it; undefined when it is not one. */
export function timestampMs(raw: unknown, format: CursorFormat): number | undefined {
  if (typeof raw === 'number' || (typeof raw === 'string' && /^\d+(\.\d+)?$/.test(raw))) {
    const number = Number(raw);
    if (format === 'epochSeconds') return number * 1000;
    if (format === 'epochMillis') return number;
    return number < 1e11 ? number * 1000 : number;
  }
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  // `sql` timestamps ('2024-05-01 10:00:00') carry no zone; APIs that use them (ServiceNow) mean UTC.
  const text = format === 'sql' && !/[zZ]|[+-]\d\d:?\d\d$/.test(raw) ? `${raw.replace(' ', 'T')}Z` : raw;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Structured value sources must fit the property they fill: `start`/`end` build a date range,
 * `url`/`name` a file, `latitude`/`longitude`/`name`/`address` a place.
 */
import type { Database, ValueSource } from '../types.generated.js';
import type { DocPath } from '../diagnostics.js';
import { type SpecContext } from './context.js';

type PropertyShape = { type: string; format?: string };

interface StructuredKey {
  fits(property: PropertyShape): boolean;
  /** What the key is for, after "is only for". */
  purpose: string;
}

const isDateRange = (p: PropertyShape) => p.type === 'date' && p.format === 'dateRange';

const STRUCTURED_KEYS = {
  start: { fits: isDateRange, purpose: 'date properties with format: dateRange' },
  end: { fits: isDateRange, purpose: 'date properties with format: dateRange' },
  url: { fits: (p) => p.type === 'file', purpose: 'file properties' },
  name: { fits: (p) => p.type === 'file' || p.type === 'place', purpose: 'file and place properties' },
  latitude: { fits: (p) => p.type === 'place', purpose: 'place properties' },
  longitude: { fits: (p) => p.type === 'place', purpose: 'place properties' },
  address: { fits: (p) => p.type === 'place', purpose: 'place properties' },
} satisfies Record<string, StructuredKey>;

type StructuredKeyName = keyof typeof STRUCTURED_KEYS;

const isStructuredKey = (key: string): key is StructuredKeyName => Object.hasOwn(STRUCTURED_KEYS, key);

export function checkValueSources(
  ctx: SpecContext,
  syncPath: DocPath,
  map: Record<string, ValueSource>,
  database: Database,
): void {
  for (const [name, source] of Object.entries(map)) {
    const written = database.properties[name];
    if (written === undefined || !source || typeof source !== 'object') continue;
    const property: PropertyShape = typeof written === 'string' ? { type: written } : (written as PropertyShape);
    const at = [...syncPath, 'map', name];
    const keys = Object.keys(source).filter(isStructuredKey);
    for (const key of keys) {
      if (STRUCTURED_KEYS[key].fits(property)) continue;
      ctx.report.error(
        [...at, key],
        'value-source-mismatch',
        `'${key}' is only for ${STRUCTURED_KEYS[key].purpose}; '${name}' is ${describe(property)}`,
        { at: 'key', shownPath: at },
      );
    }
    if (keys.length === 0) continue;
    if (property.type === 'place' && !(keys.includes('latitude') && keys.includes('longitude'))) {
      ctx.report.error(at, 'value-source-mismatch', `a place needs both latitude and longitude`);
    }
    if (isDateRange(property) && !keys.includes('start')) {
      ctx.report.error(at, 'value-source-mismatch', `a date range needs start (end may be left out)`);
    }
    if (property.type === 'file' && !keys.includes('url')) {
      ctx.report.error(at, 'value-source-mismatch', `a file needs url (name may be left out)`);
    }
  }
}

function describe(property: PropertyShape): string {
  const article = /^[aeiou]/i.test(property.type) ? 'an' : 'a';
  if (property.type === 'date') return `a date property (format: ${property.format ?? 'date'})`;
  return `${article} ${property.type} property`;
}

/**
 * Structured value sources must fit the property they fill: `start`/`end` build a date range,
 * `url`/`name` a file, `latitude`/`longitude`/`name`/`address` a place.
 */
import type { Database, ValueSource } from '../types.generated.js';
import type { DocPath } from '../diagnostics.js';
import { describePathError, parseJsonPath } from '../../extract/jsonpath-syntax.js';
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

/**
 * A value source written as a string starting with '$' is a JSONPath (the schema cannot tell it from a
 * template): it is parsed like every other, in every sync's map, primaryKey, icon and content, and in
 * the structured keys inside them — whatever else is wrong with the sync, as the schema's own JSONPath
 * fields are.
 */
export function checkAllSourcePaths(ctx: SpecContext): void {
  const syncs = ctx.raw.syncs;
  if (!syncs || typeof syncs !== 'object') return;
  for (const [name, sync] of Object.entries(syncs)) {
    if (!sync || typeof sync !== 'object') continue;
    const map = (sync as { map?: unknown }).map;
    if (map && typeof map === 'object') {
      for (const [property, source] of Object.entries(map)) checkSourcePaths(ctx, ['syncs', name, 'map', property], source);
    }
    for (const key of ['primaryKey', 'icon', 'content'] as const) checkSourcePaths(ctx, ['syncs', name, key], (sync as unknown as Record<string, unknown>)[key]);
  }
}

function checkSourcePaths(ctx: SpecContext, at: DocPath, source: unknown): void {
  if (typeof source === 'string') {
    if (!source.startsWith('$')) return;
    const parsed = parseJsonPath(source);
    if (!parsed.ok) ctx.report.error(at, 'bad-jsonpath', `JSONPath '${source}'${describePathError(parsed)}`);
    return;
  }
  if (!source || typeof source !== 'object' || Array.isArray(source)) return;
  for (const key of Object.keys(STRUCTURED_KEYS)) {
    if (Object.hasOwn(source, key)) checkSourcePaths(ctx, [...at, key], (source as Record<string, unknown>)[key]);
  }
}

function describe(property: PropertyShape): string {
  const article = /^[aeiou]/i.test(property.type) ? 'an' : 'a';
  if (property.type === 'date') return `a date property (format: ${property.format ?? 'date'})`;
  return `${article} ${property.type} property`;
}

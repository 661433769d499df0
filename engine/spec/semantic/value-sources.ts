/**
 * Structured value sources must fit the property they fill: `start`/`end` build a date range,
 * `url`/`name` a file, `latitude`/`longitude`/`name`/`address` a place — the forms the property
 * types own (mapping/properties/).
 */
import type { Database, ValueSource } from '../types.generated.js';
import type { DocPath } from '../diagnostics.js';
import { describePathError, parseJsonPath } from '../../extract/jsonpath-syntax.js';
import { type SpecContext } from './context.js';
import { withDefaults } from '../defaults.js';
import { toPropertyDefinition } from '../databases.js';
import { structuredForms } from '../../mapping/properties/registry.js';
import type { PropertyDefinition } from '../../core/types.js';

type PropertyShape = Pick<PropertyDefinition, 'type' | 'dateFormat'>;

interface StructuredKey {
  fits(property: PropertyShape): boolean;
  /** What the key is for, after "is only for". */
  purpose: string;
}

/** Each key of a structured form, with the forms that hold it (`name`: file and place). */
const STRUCTURED_KEYS: Record<string, StructuredKey> = Object.fromEntries(
  [...new Set(structuredForms.flatMap((form) => form.keys))].map((key) => {
    const forms = structuredForms.filter((form) => form.keys.includes(key));
    const purpose = `${forms.map((form) => form.noun).join(' and ')} properties${forms.map((form) => form.qualifier ?? '').join('')}`;
    return [key, { fits: (property: PropertyShape) => forms.some((form) => form.fits(property)), purpose }];
  }),
);

const isStructuredKey = (key: string): boolean => Object.hasOwn(STRUCTURED_KEYS, key);

export function checkValueSources(
  ctx: SpecContext,
  syncPath: DocPath,
  map: Record<string, ValueSource>,
  database: Database,
): void {
  for (const [name, source] of Object.entries(map)) {
    const written = database.properties[name];
    if (written === undefined || !source || typeof source !== 'object') continue;
    const property = toPropertyDefinition('', name, withDefaults('connector', written, 'property'));
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
    const form = structuredForms.find((candidate) => candidate.fits(property));
    if (form && !form.required.every((key) => keys.includes(key))) ctx.report.error(at, 'value-source-mismatch', form.needs);
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
  if (property.type === 'date') return `a date property (format: ${property.dateFormat})`;
  return `${article} ${property.type} property`;
}

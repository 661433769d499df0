import { SyncError } from '../core/errors.js';
import type { DatabaseDefinition, FailedRecord, PropertyDefinition, PropertyValue, UpsertChange } from '../core/types.js';
import type { ValueSource } from '../spec/model.generated.js';
import { parseIcon } from './icon.js';
import { isBlankKey, keyText } from './key-text.js';
import { MappingError, mappingSpecError, show } from './mapping-error.js';
import { asText } from './properties/as-text.js';
import { propertyTypes } from './properties/registry.js';
import type { PropertyType } from './properties/type.js';
import { compileValueSource, type CompiledValueSource, type SourceScope } from './value-source.js';

export interface MapContext {
  vars: Record<string, unknown>;
  partition?: unknown;
}

export type MapOutcome = { ok: true; change: UpsertChange } | { ok: false; failure: FailedRecord };

export interface RecordMapper {
  /** Never throws: a record that cannot be mapped is a failure, and the rest of its page goes on. */
  map(record: unknown, ctx: MapContext): MapOutcome;
  /** The record's key alone (delete markers carry little else); null when it has none. */
  key(record: unknown, ctx: MapContext): string | null;
}

export interface RecordMapperInput {
  database: DatabaseDefinition;
  map: Record<string, ValueSource>;
  primaryKey?: ValueSource;
  icon?: ValueSource;
  content?: ValueSource;
  /** Prefix for load errors, e.g. the sync's name: "acme.customers: map.Emial: …". */
  where?: string;
}

interface MappedProperty {
  property: PropertyDefinition;
  type: PropertyType;
  source: CompiledValueSource;
}

interface KeySource {
  source: CompiledValueSource;
  /** "ID from $.id": which key, read from where. */
  origin: string;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function compileProperty(database: DatabaseDefinition, name: string, source: ValueSource): MappedProperty {
  const where = `map.${name}`;
  const property = database.properties.find((p) => p.name === name);
  if (!property) {
    const names = database.properties.map((p) => p.name).join(', ');
    throw mappingSpecError(`${where}: database ${database.name} has no property '${name}' (properties: ${names})`);
  }
  const compiled = compileValueSource(source, where);
  if (compiled.structured && !compiled.structured.fits(property)) {
    const kind = property.type === 'date' ? `date (format ${property.dateFormat ?? 'date'})` : property.type;
    throw mappingSpecError(`${where}: a ${compiled.structured.name} value does not fit ${name}, a ${kind} property`);
  }
  return { property, type: propertyTypes[property.type], source: compiled };
}

function compileScalar(source: ValueSource, where: string): CompiledValueSource {
  const compiled = compileValueSource(source, where);
  if (compiled.structured) throw mappingSpecError(`${where}: a ${compiled.structured.name} value does not fit here`);
  return compiled;
}

function compileKey(input: RecordMapperInput, mapped: readonly MappedProperty[]): KeySource {
  if (input.primaryKey !== undefined) {
    const source = compileScalar(input.primaryKey, 'primaryKey');
    return { source, origin: `primaryKey from ${source.description}` };
  }
  const pk = input.database.primaryKeyProperty;
  const keyProperty = mapped.find((m) => m.property.name === pk);
  if (!keyProperty) {
    throw mappingSpecError(`map: nothing is mapped to the primary key property '${pk}'; map it or give primaryKey`);
  }
  if (keyProperty.source.structured) {
    throw mappingSpecError(`map.${pk}: a ${keyProperty.source.structured.name} value cannot be the primary key; give primaryKey`);
  }
  // The key is the source's value, not the normalized property: a number column keyed 42 is row '42'.
  return { source: keyProperty.source, origin: `${pk} from ${keyProperty.source.description}` };
}

/** The key as text, or a MappingError saying why there is none. */
function readKey(keySource: KeySource, scope: SourceScope): string {
  let raw: unknown;
  try {
    raw = keySource.source.evaluate(scope);
  } catch (error) {
    throw new MappingError(`primary key (${keySource.origin}): ${reasonOf(error)}`);
  }
  const key = raw === null || raw === undefined ? '' : keyText(raw);
  if (key === undefined) {
    throw new MappingError(`primary key must be text or a number, got ${show(raw)} (${keySource.origin})`);
  }
  if (isBlankKey(key)) throw new MappingError(`missing primary key (${keySource.origin})`);
  return key;
}

/**
 * Compiles a sync's mapping once, at load (unknown properties, misplaced structured forms and a
 * missing key source throw here, naming the field). Mapping a record then never throws.
 *
 * Properties not in `map` are absent from the change's `properties` — not null. An upsert
 * replaces the properties it names and leaves the others untouched, so a partial mapping cannot
 * wipe columns that another sync (or a person) fills. A property that is mapped and comes out
 * empty is null (or [] for multi-valued types), and that does clear the column.
 */
export function compileRecordMapper(input: RecordMapperInput): RecordMapper {
  try {
    return compile(input);
  } catch (error) {
    if (input.where && error instanceof SyncError) throw new SyncError(error.code, `${input.where}: ${error.message}`);
    throw error;
  }
}

function compile(input: RecordMapperInput): RecordMapper {
  const mapped = Object.entries(input.map).map(([name, source]) => compileProperty(input.database, name, source));
  const keySource = compileKey(input, mapped);
  const icon = input.icon === undefined ? undefined : compileScalar(input.icon, 'icon');
  const content = input.content === undefined ? undefined : compileScalar(input.content, 'content');

  const scopeOf = (record: unknown, ctx: MapContext): SourceScope => ({
    record,
    vars: ctx.vars,
    partition: ctx.partition,
  });

  return {
    key(record, ctx) {
      try {
        return readKey(keySource, scopeOf(record, ctx));
      } catch {
        return null;
      }
    },

    map(record, ctx) {
      const scope = scopeOf(record, ctx);
      // Every problem of the record is collected, so the user fixes them in one round. Per record
      // and per property: no closure, and no array until there is a problem.
      let reasons: string[] | undefined;
      let key: string | null = null;
      try {
        key = readKey(keySource, scope);
      } catch (error) {
        reasons = [reasonOf(error)];
      }
      const properties: Record<string, PropertyValue> = {};
      for (const { property, type, source } of mapped) {
        try {
          const value = type.normalize(source.evaluate(scope), property);
          if (value !== undefined) properties[property.name] = value;
        } catch (error) {
          (reasons ??= []).push(`${property.name}: ${reasonOf(error)}`);
        }
      }
      const change: UpsertChange = { type: 'upsert', key: key ?? '', properties };
      if (icon || content) {
        const attempt = <T>(label: string, run: () => T): T | undefined => {
          try {
            return run();
          } catch (error) {
            (reasons ??= []).push(`${label}: ${reasonOf(error)}`);
            return undefined;
          }
        };
        if (icon) change.icon = attempt('icon', () => parseIcon(icon.evaluate(scope))) ?? null;
        if (content) change.pageContentMarkdown = attempt('content', () => asText(content.evaluate(scope))) ?? null;
      }

      if (reasons !== undefined || key === null) return { ok: false, failure: { key, reason: (reasons ?? []).join('; ') } };
      return { ok: true, change };
    },
  };
}

/**
 * PropertyValue ↔ column value. Each property kind maps to one codec; two kinds that share a codec
 * share a storage format, so changing a property between them is a compatible migration
 * (title → richText, date → dateTime), while any other type change is not.
 */
import type { PropertyDefinition, PropertyValue } from '../../core/types.js';
import { propertyTypes } from '../../mapping/properties/registry.js';
import type { PropertyType, StoredShape } from '../../mapping/properties/type.js';
import { StoreError } from '../errors.js';

/** What better-sqlite3 binds and returns for our columns. */
export type SqlValue = string | number | null;

export interface Codec {
  sqlType: 'TEXT' | 'INTEGER' | 'REAL';
  /** What `encode` accepts, for error messages. */
  expects: string;
  /** The column value, or `undefined` when `value` does not fit this codec. */
  encode(value: unknown): SqlValue | undefined;
  decode(column: SqlValue): PropertyValue;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isNullableString = (value: unknown): value is string | null | undefined =>
  value === null || value === undefined || typeof value === 'string';
const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** A JSON column holding a canonical object built from a validated value. */
function jsonCodec(expects: string, canonical: (value: unknown) => object | undefined): Codec {
  return {
    sqlType: 'TEXT',
    expects,
    encode(value) {
      if (value === null) return null;
      const shaped = canonical(value);
      return shaped === undefined ? undefined : JSON.stringify(shaped);
    },
    decode: (column) => (column === null ? null : (JSON.parse(String(column)) as PropertyValue)),
  };
}

const codecs = {
  text: {
    sqlType: 'TEXT',
    expects: 'a string or null',
    encode: (value) => (value === null || typeof value === 'string' ? value : undefined),
    decode: (column) => (column === null ? null : String(column)),
  },
  checkbox: {
    sqlType: 'INTEGER',
    expects: 'true, false or null',
    encode: (value) => (value === null ? null : typeof value === 'boolean' ? Number(value) : undefined),
    // An unset checkbox reads as unchecked, as in Notion.
    decode: (column) => column === 1,
  },
  number: {
    sqlType: 'REAL',
    expects: 'a finite number or null',
    encode: (value) => (value === null || isFiniteNumber(value) ? value : undefined),
    decode: (column) => (column === null ? null : Number(column)),
  },
  stringList: jsonCodec('an array of strings or null', (value) =>
    Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : undefined,
  ),
  file: jsonCodec('{ url: string, name: string | null } or null', (value) =>
    isRecord(value) && typeof value.url === 'string' && isNullableString(value.name)
      ? { url: value.url, name: value.name ?? null }
      : undefined,
  ),
  place: jsonCodec('{ latitude: number, longitude: number, name: string | null, address: string | null } or null', (value) =>
    isRecord(value) && isFiniteNumber(value.latitude) && isFiniteNumber(value.longitude) &&
    isNullableString(value.name) && isNullableString(value.address)
      ? { latitude: value.latitude, longitude: value.longitude, name: value.name ?? null, address: value.address ?? null }
      : undefined,
  ),
  dateRange: jsonCodec('{ start: string, end: string | null } or null', (value) =>
    isRecord(value) && typeof value.start === 'string' && isNullableString(value.end)
      ? { start: value.start, end: value.end ?? null }
      : undefined,
  ),
} satisfies Record<StoredShape, Codec>;

export type CodecName = keyof typeof codecs;

/** The codec of a property: the shape its type stores (mapping/properties/, each type's `stored`). */
export function codecNameOf(property: Pick<PropertyDefinition, 'type' | 'dateFormat'>): CodecName {
  const type = (propertyTypes as Record<string, PropertyType | undefined>)[property.type];
  if (type === undefined) {
    throw new StoreError('store-unknown-type', `Unknown property type ${JSON.stringify(property.type)}; known: ${Object.keys(propertyTypes).join(', ')}`);
  }
  return type.stored(property);
}

export function codecOf(property: Pick<PropertyDefinition, 'type' | 'dateFormat'>): Codec {
  return codecs[codecNameOf(property)];
}

/** "date (dateRange)" for dates, the kind otherwise: how a type is named in messages. */
export function describeType(property: Pick<PropertyDefinition, 'type' | 'dateFormat'>): string {
  return property.type === 'date' ? `date (${property.dateFormat ?? 'date'})` : property.type;
}

/** "a string", "an array", "NaN": what a rejected value was, without printing the value itself. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  const type = typeof value;
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

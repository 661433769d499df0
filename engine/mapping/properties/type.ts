import type { PropertyDefinition, PropertyValue } from '../../core/types.js';

/** `{ type: [T, 'null'] }`: every stored value may be null. */
export const nullable = (type: string, more: Record<string, unknown> = {}): Record<string, unknown> => ({ type: [type, 'null'], ...more });

/**
 * The shape of a stored value, which the store keeps with one codec per shape: text (strings and
 * ISO dates), a checkbox, a number, a list of strings, or a file, place or date-range object.
 */
export type StoredShape = 'text' | 'checkbox' | 'number' | 'stringList' | 'file' | 'place' | 'dateRange';

/**
 * The object a structured value source builds for a property type (`{ url, name }` for a file):
 * its keys, the ones a record cannot do without, and how validate names them.
 */
export interface StructuredForm {
  name: 'dateRange' | 'file' | 'place';
  /** Every key of the form, in the order the built object has them (missing ones are null). */
  keys: readonly string[];
  /** Without these a record could never yield a value, so the spec is refused. */
  required: readonly string[];
  /** Whether the form builds a value of this property (a date range only for `format: dateRange`). */
  fits(property: Pick<PropertyDefinition, 'type' | 'dateFormat'>): boolean;
  /** The properties the keys are for, as "file" in "'url' is only for file properties". */
  noun: string;
  /** Which of those properties, after "… properties": " with format: dateRange". */
  qualifier?: string;
  /** What the form needs, said when a spec leaves it out: "a file needs url (name may be left out)". */
  needs: string;
}

/**
 * One Notion Schema property type: every fact about it lives in its entry — how whatever a value
 * source produced becomes the stored value, the shape it is stored in, and the structured value
 * source that builds it, if any. `normalize` throws MappingError with a plain reason
 * ("invalid email 'bob@'"); it never sees the property name in its message — the record mapper adds that.
 */
export interface PropertyType {
  normalize(raw: unknown, property: PropertyDefinition): PropertyValue;
  stored(property: Pick<PropertyDefinition, 'dateFormat'>): StoredShape;
  /** The JSON Schema of its stored value (null included), as `syncspec catalog` describes a database. */
  valueSchema(property: PropertyDefinition): Record<string, unknown>;
  structured?: StructuredForm;
}

import type { PropertyDefinition, PropertyValue } from '../../core/types.js';

/**
 * One Notion Schema property type: turns whatever a value source produced into the stored value.
 * `normalize` throws MappingError with a plain reason ("invalid email 'bob@'"); it never sees the
 * property name in its message — the record mapper adds that.
 */
export interface PropertyType {
  normalize(raw: unknown, property: PropertyDefinition): PropertyValue;
}

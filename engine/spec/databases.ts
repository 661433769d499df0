/**
 * A spec's `databases` entry as the runtime sees it: shorthand property types expanded, options
 * flattened to their names, status groups turned into an option → group map, relation targets
 * qualified with the connector name.
 */
import type { DatabaseDefinition, PropertyDefinition, PropertyKind } from '../core/types.js';
import type { Database, Property, PropertyObject, SelectOption } from './model.generated.js';
import { withDefaults } from './defaults.js';

/** `CONNECTOR.KEY`: the qualified name of a managed table (just KEY for library databases, connector ''). */
export function qualifiedName(connectorName: string, key: string): string {
  return connectorName === '' ? key : `${connectorName}.${key}`;
}

export function toDatabaseDefinition(connectorName: string, key: string, database: Database): DatabaseDefinition {
  return {
    name: qualifiedName(connectorName, key),
    title: database.title ?? key,
    primaryKeyProperty: database.primaryKeyProperty,
    properties: Object.entries(database.properties).map(([name, property]) =>
      toPropertyDefinition(connectorName, name, property),
    ),
  };
}

export function toPropertyDefinition(connectorName: string, name: string, written: Property): PropertyDefinition {
  // `Name: number` is `Name: { type: number }`, with the same defaults.
  const property = typeof written === 'string' ? withDefaults<PropertyObject>('connector', { type: written }, 'propertyObject') : written;
  switch (property.type) {
    case 'number':
      return { name, type: 'number', format: property.format };
    case 'date':
      return { name, type: 'date', dateFormat: property.format };
    case 'select':
    case 'multiSelect':
      return { name, type: property.type, ...(property.options !== undefined && { options: property.options.map(optionName) }) };
    case 'status': {
      const groups: Record<string, string> = {};
      for (const group of property.groups) for (const option of group.options) groups[optionName(option)] = group.name;
      return { name, type: 'status', options: Object.keys(groups), groups };
    }
    case 'relation':
      return {
        name,
        type: 'relation',
        relation: {
          database: qualifiedName(connectorName, property.database),
          twoWay: property.twoWay ?? false,
          relatedPropertyName: property.relatedPropertyName ?? null,
        },
      };
    default:
      return { name, type: property.type satisfies PropertyKind };
  }
}

export function optionName(option: SelectOption): string {
  return typeof option === 'string' ? option : option.name;
}

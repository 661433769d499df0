/**
 * Checks of each database on its own and of the relations between databases: one title, a primary
 * key that is a property, unique option names, relations that land somewhere.
 */
import type { Database, PropRelation, SelectOption } from '../types.generated.js';
import { optionName } from '../databases.js';
import { suggestion } from '../../core/suggest.js';
import { checkedDatabases, propertyType, type SpecContext } from './context.js';

export function checkDatabases(ctx: SpecContext): void {
  const databases = checkedDatabases(ctx);
  for (const [key, database] of databases) {
    const at = ['databases', key];
    checkTitle(ctx, key, database);
    const names = Object.keys(database.properties);
    if (!names.includes(database.primaryKeyProperty)) {
      ctx.report.error(
        [...at, 'primaryKeyProperty'],
        'unknown-property',
        `primary key '${database.primaryKeyProperty}' is not a property of database '${key}' ${suggestion(database.primaryKeyProperty, names, { label: 'properties' })}`,
      );
    }
    for (const [name, property] of Object.entries(database.properties)) {
      if (typeof property === 'string') continue;
      const propertyAt = [...at, 'properties', name];
      if (property.type === 'select' || property.type === 'multiSelect') {
        if (property.options !== undefined) checkOptions(ctx, property.options, [...propertyAt, 'options'], new Map());
      } else if (property.type === 'status') {
        const seen = new Map<string, string>();
        const groups = new Set<string>();
        property.groups.forEach((group, i) => {
          const groupAt = [...propertyAt, 'groups', i];
          if (groups.has(group.name)) ctx.report.error([...groupAt, 'name'], 'duplicate-option', `duplicate status group '${group.name}'`);
          groups.add(group.name);
          checkOptions(ctx, group.options, [...groupAt, 'options'], seen, group.name);
        });
      } else if (property.type === 'relation') {
        checkRelation(ctx, databases, property, propertyAt);
      }
    }
  }
}

function checkTitle(ctx: SpecContext, key: string, database: Database): void {
  const titles = Object.entries(database.properties).filter(([, property]) => propertyType(property) === 'title');
  if (titles.length === 0) {
    ctx.report.error(
      ['databases', key, 'properties'],
      'missing-title',
      `database '${key}' has no title property; exactly one property must have type title`,
    );
  }
  for (const [name] of titles.slice(1)) {
    ctx.report.error(
      ['databases', key, 'properties', name],
      'duplicate-title',
      `database '${key}' has a second title property '${name}' (the first is '${titles[0][0]}'); exactly one is allowed`,
      { at: 'key' },
    );
  }
}

/**
 * Option names are compared as written (Notion's are case-sensitive). `seen` carries names across
 * the groups of a status property, which share one list of options.
 */
function checkOptions(
  ctx: SpecContext,
  options: SelectOption[],
  at: (string | number)[],
  seen: Map<string, string>,
  group?: string,
): void {
  options.forEach((option, i) => {
    const name = optionName(option);
    const previous = seen.get(name);
    if (previous === undefined) seen.set(name, group ?? '');
    else if (group !== undefined && previous !== group) {
      ctx.report.error([...at, i], 'duplicate-option', `option '${name}' is already in status group '${previous}'`);
    } else ctx.report.error([...at, i], 'duplicate-option', `duplicate option '${name}'`);
  });
}

function checkRelation(
  ctx: SpecContext,
  databases: [string, Database][],
  relation: PropRelation,
  at: (string | number)[],
): void {
  const keys = Object.keys(ctx.raw.databases);
  if (!keys.includes(relation.database)) {
    ctx.report.error(
      [...at, 'database'],
      'unknown-database',
      `relation to unknown database '${relation.database}' ${suggestion(relation.database, keys, { label: 'databases' })}`,
    );
  }
  const related = relation.relatedPropertyName;
  if (related === undefined) return;
  // A back-link that clashes with a name on the target is found with every other name (names.ts).
  if (relation.twoWay !== true) {
    ctx.report.error(
      [...at, 'relatedPropertyName'],
      'related-property-without-two-way',
      'relatedPropertyName names the back-link of a two-way relation; add twoWay: true or remove it',
    );
  }
}

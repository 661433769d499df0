/**
 * Names a database can hold (store/naming.ts), checked where they are written: each property name and
 * database key must be a usable identifier, and no two names one table shows — its properties, the
 * system columns, the back-links of two-way relations pointing at it — may collide (SQLite ignores
 * ASCII letter case); nor may two database keys of the connector, which become table names.
 */
import type { DocPath } from '../diagnostics.js';
import { toDatabaseDefinition } from '../databases.js';
import { withDefaults } from '../defaults.js';
import { backLinkName, identifierKey, identifierProblem, nameCollisions, type NameClaim } from '../../store/naming.js';
import { checkedDatabases, type SpecContext } from './context.js';

export function checkNames(ctx: SpecContext): void {
  const databases = checkedDatabases(ctx);
  const tables = new Map<string, string>();
  for (const [key] of databases) {
    const at = ['databases', key];
    const problem = identifierProblem(key);
    if (problem) ctx.report.error(at, 'invalid-name', `database key ${JSON.stringify(key)} ${problem}`, { at: 'key', shownPath: ['databases'] });
    const other = tables.get(identifierKey(key));
    if (other !== undefined) {
      ctx.report.error(at, 'name-collision', `database '${key}' and database '${other}' differ only in letter case; their tables would be one (SQLite ignores ASCII letter case)`, { at: 'key', shownPath: ['databases'] });
    } else tables.set(identifierKey(key), key);
  }
  const claims = new Map<string, NameClaim<Origin>[]>(databases.map(([key, database]) => [key, Object.keys(database.properties).map((name) => {
    const path = ['databases', key, 'properties', name];
    const problem = identifierProblem(name);
    if (problem) ctx.report.error(path, 'invalid-name', `property name ${JSON.stringify(name)} ${problem}`, { at: 'key', shownPath: ['databases', key, 'properties'] });
    return { name, what: `property '${name}'`, origin: { path, property: true } };
  })]));
  // Back-links of two-way relations show on the database they point at.
  for (const [key, database] of databases) {
    const definition = toDatabaseDefinition('', key, withDefaults('connector', database, 'database'));
    for (const property of definition.properties) {
      const link = backLinkName(definition, property);
      const target = property.relation?.database;
      if (link === null || target === undefined || !claims.has(target)) continue;
      const written = ['databases', key, 'properties', property.name];
      const explicit = property.relation!.relatedPropertyName !== null;
      const origin = { path: explicit ? [...written, 'relatedPropertyName'] : written, property: false, explicit };
      claims.get(target)!.push({ name: link, what: `the back-link '${link}' of relation '${property.name}' in database '${key}'`, origin });
    }
  }
  for (const [key, list] of claims) {
    for (const { claim, taken, by } of nameCollisions(list)) {
      const origin = claim.origin!;
      if (origin.explicit && by?.origin?.property) {
        // A back-link named by relatedPropertyName: the name to change is that value.
        ctx.report.error(origin.path, 'related-property-clash', `relatedPropertyName '${claim.name}' clashes with the existing property '${by.name}' of database '${key}'`);
      } else {
        ctx.report.error(origin.path, 'name-collision', `${claim.what} collides with ${taken} of database '${key}' (column names ignore ASCII letter case)`, { at: 'key' });
      }
    }
  }
}

interface Origin {
  path: DocPath;
  /** A property of the database itself (not a back-link shown on it). */
  property: boolean;
  /** A back-link whose name relatedPropertyName gives. */
  explicit?: boolean;
}

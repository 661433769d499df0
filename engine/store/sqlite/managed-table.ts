/**
 * A managed table as this connection knows it: its columns with their codecs, and the prepared
 * statements built for it (prepared once per shape, not once per row).
 */
import type { Statement } from 'better-sqlite3';
import type { DatabaseDefinition, PropertyDefinition } from '../../core/types.js';
import { codecOf, type Codec } from './codec.js';
import type { Connection } from './connection.js';
import { quoteIdentifier } from './quote.js';

import { backLinkName } from '../naming.js';

export interface ManagedColumn {
  property: PropertyDefinition;
  /** Index in the definition's properties. */
  position: number;
  quoted: string;
  codec: Codec;
  /** Two-way relations keep their links in `_links`, pointing into this database. */
  linksTo: string | null;
}


export class ManagedTable {
  readonly name: string;
  readonly quoted: string;
  /** In definition order. */
  readonly columns: readonly ManagedColumn[];
  private readonly byName: ReadonlyMap<string, ManagedColumn>;
  private readonly statements = new Map<string, Statement>();

  constructor(
    private readonly db: Connection,
    readonly definition: DatabaseDefinition,
  ) {
    this.name = definition.name;
    this.quoted = quoteIdentifier(definition.name);
    this.columns = definition.properties.map((property, position) => ({
      property,
      position,
      quoted: quoteIdentifier(property.name),
      codec: codecOf(property),
      linksTo: backLinkName(definition, property) === null ? null : property.relation!.database,
    }));
    this.byName = new Map(this.columns.map((column) => [column.property.name, column]));
  }

  column(property: string): ManagedColumn | undefined {
    return this.byName.get(property);
  }

  /** The statement cached under `key`, prepared from `sql()` on first use. */
  statement(key: string, sql: () => string): Statement {
    let statement = this.statements.get(key);
    if (statement === undefined) {
      statement = this.db.prepare(sql());
      this.statements.set(key, statement);
    }
    return statement;
  }
}

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
  /** 2^position, for the first 48 columns; a set of columns is the sum of their bits (0 beyond). */
  bit: number;
}


/** Columns whose sets are keyed by bits: 2^48 stays well inside a double's exact integers. */
const MASKED_COLUMNS = 48;

export class ManagedTable {
  readonly name: string;
  readonly quoted: string;
  /** In definition order. */
  readonly columns: readonly ManagedColumn[];
  private readonly byName: ReadonlyMap<string, ManagedColumn>;
  private readonly statements = new Map<string, Statement>();
  private readonly upserts = new Map<number, Map<number | string, Statement>>();

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
      bit: position < MASKED_COLUMNS ? 2 ** position : 0,
    }));
    this.byName = new Map(this.columns.map((column) => [column.property.name, column]));
  }

  column(property: string): ManagedColumn | undefined {
    return this.byName.get(property);
  }

  /**
   * The upsert for `shape` (upsert.ts) and the set of columns a change carries: looked up by the
   * columns' bits (no string per row) when the table has at most 48 columns, else by their positions.
   * `sql` builds it on first use.
   */
  upsertStatement(shape: number, mask: number, properties: object, sql: (table: ManagedTable, shape: number, columns: readonly ManagedColumn[]) => string): Statement {
    const byMask = this.columns.length <= MASKED_COLUMNS;
    let shapes = this.upserts.get(shape);
    if (shapes === undefined) this.upserts.set(shape, (shapes = new Map()));
    const key = byMask ? mask : this.carried(properties).map((column) => column.position).join(',');
    let statement = shapes.get(key);
    if (statement === undefined) {
      statement = this.db.prepare(sql(this, shape, this.carried(properties)));
      shapes.set(key, statement);
    }
    return statement;
  }

  /** The columns a change's properties carry (own, not undefined), in column order. */
  carried(properties: object): ManagedColumn[] {
    const values = properties as Record<string, unknown>;
    return this.columns.filter((column) => Object.hasOwn(values, column.property.name) && values[column.property.name] !== undefined);
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

/**
 * Which names a database can hold, written once: the store enforces these rules when it creates a
 * table, and `validate` checks them with the spec's own positions (spec/semantic/databases.ts), so a
 * name that cannot work is refused before anything runs.
 *
 * The rules are SQLite's, the embedded default: identifiers compare ignoring ASCII letter case, and a
 * name cannot hold a NUL or a lone UTF-16 surrogate.
 */
import type { DatabaseDefinition, PropertyDefinition } from '../core/types.js';
import { loneSurrogateAt } from '../core/text.js';

/** Columns every managed table has besides its property columns. */
export const SYSTEM_COLUMNS = ['_key', '_seq', '_icon', '_content', '_updated_at', '_version', '_version_cycle'] as const;

/** What makes `name` unusable as an identifier, or undefined when it is fine. */
export function identifierProblem(name: string): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return 'must be a non-empty string';
  if (name.includes('\0')) return 'contains a NUL character, which SQLite cannot store in a name';
  if (loneSurrogateAt(name) >= 0) return 'contains an unpaired UTF-16 surrogate';
  return undefined;
}

/**
 * SQLite compares identifiers case-insensitively for ASCII letters only ("Name" and "name" are one
 * column, "É" and "é" are two). Names that fold to the same key collide.
 */
export function identifierKey(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

/** The back-link's name on the related database; Notion's default when the spec names none. */
export function backLinkName(database: Pick<DatabaseDefinition, 'title'>, property: PropertyDefinition): string | null {
  if (property.type !== 'relation' || !property.relation?.twoWay) return null;
  return property.relation.relatedPropertyName ?? `Related to ${database.title} (${property.name})`;
}

/** A name a database's rows show, and what claims it (for messages). */
export interface NameClaim<T = unknown> {
  name: string;
  what: string;
  /** Whatever the caller needs to point at the claim (a document path). */
  origin?: T;
}

export interface NameCollision<T> {
  claim: NameClaim<T>;
  /** What already had the name; `by` is that claim, undefined for a system column. */
  taken: string;
  by?: NameClaim<T>;
}

/**
 * The claims that take a name an earlier claim (or a system column) already has, with what had it.
 * A database's rows show its properties and the back-links of two-way relations pointing at it.
 */
export function nameCollisions<T>(claims: readonly NameClaim<T>[]): NameCollision<T>[] {
  const seen = new Map<string, { what: string; by?: NameClaim<T> }>(SYSTEM_COLUMNS.map((name) => [name, { what: `system column "${name}"` }]));
  const found: NameCollision<T>[] = [];
  for (const claim of claims) {
    const key = identifierKey(claim.name);
    const taken = seen.get(key);
    if (taken !== undefined) found.push({ claim, taken: taken.what, by: taken.by });
    else seen.set(key, { what: claim.what, by: claim });
  }
  return found;
}

import { identifierKey, identifierProblem } from '../naming.js';
import { StoreError } from '../errors.js';

/**
 * SQL identifiers for names that are user text. Database and property names are written by people
 * ("Name with spaces", "select", "日本語", "crm.contacts"), so every identifier that reaches SQL goes
 * through `quoteIdentifier`; values never do (they are bound as parameters).
 */

/** Throws unless `name` can be stored as an SQLite identifier exactly as written (store/naming.ts). */
export function checkIdentifier(name: string, what: string): void {
  const problem = identifierProblem(name);
  if (problem === undefined) return;
  throw new StoreError('store-invalid-name', name === '' || typeof name !== 'string' ? `${what} ${problem}, got ${JSON.stringify(name)}` : `${what} ${JSON.stringify(name)} ${problem}`);
}

/** `name` as a double-quoted SQL identifier: works for keywords, spaces, quotes, dots and unicode. */
export function quoteIdentifier(name: string): string {
  checkIdentifier(name, 'Identifier');
  return `"${name.replaceAll('"', '""')}"`;
}

export { identifierKey };

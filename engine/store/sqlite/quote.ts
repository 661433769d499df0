/**
 * SQL identifiers for names that are user text. Database and property names are written by people
 * ("Name with spaces", "select", "日本語", "crm.contacts"), so every identifier that reaches SQL goes
 * through `quoteIdentifier`; values never do (they are bound as parameters).
 */

/** A lone UTF-16 surrogate: better-sqlite3 would store U+FFFD instead, silently renaming the column. */
const loneSurrogate = /\p{Cs}/u;

/** Throws unless `name` can be stored as an SQLite identifier exactly as written. */
export function checkIdentifier(name: string, what: string): void {
  if (typeof name !== 'string' || name.length === 0) {
    throw new Error(`${what} must be a non-empty string, got ${JSON.stringify(name)}`);
  }
  if (name.includes('\0')) {
    throw new Error(`${what} ${JSON.stringify(name)} contains a NUL character, which SQLite cannot store in a name`);
  }
  if (loneSurrogate.test(name)) {
    throw new Error(`${what} ${JSON.stringify(name)} contains an unpaired UTF-16 surrogate`);
  }
}

/** `name` as a double-quoted SQL identifier: works for keywords, spaces, quotes, dots and unicode. */
export function quoteIdentifier(name: string): string {
  checkIdentifier(name, 'Identifier');
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * SQLite compares identifiers case-insensitively for ASCII letters only ("Name" and "name" are one
 * column, "É" and "é" are two). Names that fold to the same key collide.
 */
export function identifierKey(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

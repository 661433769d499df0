import { SyncError } from '../core/errors.js';

/**
 * A record value that cannot become a property value. The message is a plain reason meant for
 * the user ("not a number: '12abc'"); the record mapper prefixes it with the property name.
 */
export class MappingError extends Error {
  override readonly name = 'MappingError';
}

const MAX_SHOWN = 60;

/**
 * A value as it appears in a reason: strings quoted (and cut when long, so one bad record does
 * not paste a whole description into the log), other scalars as written, containers by kind.
 */
export function show(value: unknown): string {
  if (typeof value === 'string') {
    const cut = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value;
    return `'${cut}'`;
  }
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  return String(value);
}

/** A mapping the spec cannot mean (unknown property, conflicting keys); raised at load, never per record. */
export function mappingSpecError(message: string): SyncError {
  return new SyncError('bad-mapping', message);
}

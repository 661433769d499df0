import { MappingError, show } from '../mapping-error.js';
import { nullable, type PropertyType } from './type.js';

const TRUE_WORDS = new Set(['true', 'yes', '1']);
const FALSE_WORDS = new Set(['false', 'no', '0']);

/** true/false, yes/no, 1/0 (strings case-insensitive and trimmed, or the numbers 1 and 0). Shared with `toBoolean`. */
export function parseBoolean(raw: unknown): boolean {
  if (typeof raw === 'boolean') return raw;
  if (raw === 1 || raw === 0) return raw === 1;
  if (typeof raw === 'string') {
    const word = raw.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
  }
  throw new MappingError(`not a checkbox value: ${show(raw)} (expected true/false, yes/no or 1/0)`);
}

export const checkbox: PropertyType = {
  valueSchema: () => nullable('boolean'),
  stored: () => 'checkbox',
  normalize: (raw) => (raw === null || raw === undefined ? null : parseBoolean(raw)),
};

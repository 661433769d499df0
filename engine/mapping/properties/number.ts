import { MappingError, show } from '../mapping-error.js';
import { nullable, type PropertyType } from './type.js';

// A decimal literal: sign, digits with an optional fraction, optional exponent. Narrower than
// Number(): no hex/binary ("0x10"), no "Infinity", and "" is not 0.
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/**
 * A finite number from a number or a numeric string (trimmed). Shared with the `toNumber` and
 * `multiply` conversions. `format` on the property is display metadata and does not apply here.
 */
export function parseNumber(raw: unknown): number {
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) throw new MappingError(`not a finite number: ${show(raw)}`);
    return raw;
  }
  if (typeof raw === 'string') {
    const text = raw.trim();
    const value = Number(text);
    if (DECIMAL.test(text) && Number.isFinite(value)) return value;
  }
  throw new MappingError(`not a number: ${show(raw)}`);
}

export const number: PropertyType = {
  valueSchema: () => nullable('number'),
  stored: () => 'number',
  normalize: (raw) => (raw === null || raw === undefined ? null : parseNumber(raw)),
};

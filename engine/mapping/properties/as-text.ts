import { MappingError, show } from '../mapping-error.js';

/**
 * Text coercion shared by title and richText: scalars become their written form; containers are
 * rejected rather than stringified, because "[object Object]" or a JSON blob in a text column is
 * never what the user meant (use the `toString` conversion to opt into JSON).
 */
export function asText(raw: unknown): string | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'boolean' || typeof raw === 'bigint') return String(raw);
  throw new MappingError(`expected text, got ${show(raw)}`);
}

import type { PropertyType } from './type.js';
import { requireOption } from './options.js';

/** A status is a select whose options are those of all its groups (flattened by the loader). */
export const status: PropertyType = {
  valueSchema: (property) => ({ enum: [...(property.options ?? []), null] }),
  stored: () => 'text',
  normalize: (raw, property) => (raw === null || raw === undefined ? null : requireOption(raw, property)),
};

import { nullable, type PropertyType } from './type.js';
import { requireOption } from './options.js';

export const select: PropertyType = {
  valueSchema: (property) => (property.options === undefined ? nullable('string') : { enum: [...property.options, null] }),
  stored: () => 'text',
  normalize: (raw, property) => (raw === null || raw === undefined ? null : requireOption(raw, property)),
};

import { nullable, type PropertyType } from './type.js';
import { asText } from './as-text.js';

export const richText: PropertyType = {
  valueSchema: () => nullable('string'),
  stored: () => 'text',
  normalize: (raw) => asText(raw),
};

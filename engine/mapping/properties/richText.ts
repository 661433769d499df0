import type { PropertyType } from './type.js';
import { asText } from './as-text.js';

export const richText: PropertyType = {
  stored: () => 'text',
  normalize: (raw) => asText(raw),
};

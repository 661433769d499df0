import type { PropertyType } from './type.js';
import { asText } from './as-text.js';

export const richText: PropertyType = {
  normalize: (raw) => asText(raw),
};

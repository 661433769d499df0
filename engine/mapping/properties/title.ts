import type { PropertyType } from './type.js';
import { asText } from './as-text.js';

/** Notion titles are never null: a missing title is stored as the empty title ''. */
export const title: PropertyType = {
  valueSchema: () => ({ type: 'string' }),
  stored: () => 'text',
  normalize: (raw) => asText(raw) ?? '',
};

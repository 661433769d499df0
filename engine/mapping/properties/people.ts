import { nullable, type PropertyType } from './type.js';
import { asList, unique } from './as-list.js';
import { parseEmail } from './email.js';

/** People are identified by email: one address or a list, each validated like an email property. */
export const people: PropertyType = {
  valueSchema: () => nullable('array', { items: { type: 'string', format: 'email' } }),
  stored: () => 'stringList',
  normalize: (raw) => unique(asList(raw).map(parseEmail)),
};

import { MappingError, show } from '../mapping-error.js';
import { nullable, type PropertyType } from './type.js';
import { asList, unique } from './as-list.js';
import { isBlankKey, keyText } from '../key-text.js';

/** Keys of rows in the related database: strings or numbers (as decimal strings); blank keys are dropped. */
export const relation: PropertyType = {
  valueSchema: () => nullable('array', { items: { type: 'string' }, description: 'keys of the related rows' }),
  stored: () => 'stringList',
  normalize(raw) {
    const keys = asList(raw).map((item) => {
      const key = keyText(item);
      if (key === undefined) throw new MappingError(`expected a related key (text or number), got ${show(item)}`);
      return key;
    });
    return unique(keys.filter((key) => !isBlankKey(key)));
  },
};

import { nullable, type PropertyType } from './type.js';
import { asList, unique } from './as-list.js';
import { matchOption, notOptionsError, optionText } from './options.js';

/**
 * An array of options, or one option as a string. A delimited string ("a, b") is one option here;
 * the `split` conversion says where it breaks. Every unknown option is reported, not only the first.
 */
export const multiSelect: PropertyType = {
  valueSchema: (property) => nullable('array', { items: property.options === undefined ? { type: 'string' } : { enum: property.options } }),
  stored: () => 'stringList',
  normalize(raw, property) {
    const chosen: string[] = [];
    const unknown: string[] = [];
    for (const item of asList(raw)) {
      const text = optionText(item);
      const option = matchOption(text, property);
      if (option === null) unknown.push(text);
      else chosen.push(option);
    }
    if (unknown.length > 0) throw notOptionsError(unique(unknown), property);
    return unique(chosen);
  },
};

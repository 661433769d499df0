import { MappingError, show } from '../mapping-error.js';
import { nullable, type PropertyType } from './type.js';

// Digits with the separators people actually write (+ only in front), optionally an extension
// ("x12", "ext. 12", "#12"). Deliberately not E.164: numbers are kept exactly as the API gave them.
const PHONE = /^\+?[0-9()\-. ]+(?:\s*(?:ext\.?|x|#)\s*[0-9]+)?$/i;
const MIN_DIGITS = 3;

export const phoneNumber: PropertyType = {
  valueSchema: () => nullable('string'),
  stored: () => 'text',
  normalize(raw) {
    if (raw === null || raw === undefined) return null;
    const text = typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0 ? String(raw) : raw;
    if (typeof text !== 'string') throw new MappingError(`expected a phone number, got ${show(raw)}`);
    const trimmed = text.trim();
    const digits = trimmed.replace(/[^0-9]/g, '').length;
    if (!PHONE.test(trimmed) || digits < MIN_DIGITS) throw new MappingError(`invalid phone number ${show(raw)}`);
    return trimmed;
  },
};

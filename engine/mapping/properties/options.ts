import type { PropertyDefinition } from '../../core/types.js';
import { MappingError, show } from '../mapping-error.js';

const LISTED_OPTIONS = 20;

function listOptions(options: readonly string[]): string {
  const shown = options.slice(0, LISTED_OPTIONS).join(', ');
  return options.length > LISTED_OPTIONS ? `${shown}, … ${options.length - LISTED_OPTIONS} more` : shown;
}

/**
 * Finds the option a value names: an exact match, or else the single case-insensitive match
 * (returned in its canonical spelling, so 'LEAD' is stored as 'Lead'). Whitespace is significant:
 * 'Lead ' is a different option, and silently trimming would hide a data problem. Null when no
 * option matches; throws when several match case-insensitively. A select without options takes any name.
 */
export function matchOption(value: string, property: PropertyDefinition): string | null {
  // Open options (none listed): every name is one, as the source spells it.
  if (property.options === undefined) return value;
  const options = property.options;
  if (options.includes(value)) return value;
  const folded = value.toLowerCase();
  const matches = options.filter((option) => option.toLowerCase() === folded);
  if (matches.length > 1) {
    throw new MappingError(`${show(value)} matches several options of ${property.name} (${matches.join(', ')})`);
  }
  return matches[0] ?? null;
}

/** An option name from a string, or a number/boolean written as one (an API's priority 1 → '1'). */
export function optionText(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  throw new MappingError(`expected an option name, got ${show(raw)}`);
}

export function notOptionsError(values: readonly string[], property: PropertyDefinition): MappingError {
  const names = values.map(show).join(', ');
  const verb = values.length === 1 ? 'is not an option' : 'are not options';
  return new MappingError(`${names} ${verb} of ${property.name} (options: ${listOptions(property.options ?? [])})`);
}

/** One option, canonicalized; shared by select, status and each element of multiSelect. */
export function requireOption(raw: unknown, property: PropertyDefinition): string {
  const text = optionText(raw);
  const option = matchOption(text, property);
  if (option === null) throw notOptionsError([text], property);
  return option;
}

import { MappingError, show } from '../mapping-error.js';
import { nullable, type PropertyType } from './type.js';
import { asText } from './as-text.js';
import { parseNumber } from './number.js';

type Fields = Record<string, unknown>;

function pick(fields: Fields, names: readonly string[]): unknown {
  for (const name of names) if (fields[name] !== undefined && fields[name] !== null) return fields[name];
  return undefined;
}

function label(raw: unknown, which: 'name' | 'address'): string | null {
  try {
    return asText(raw);
  } catch (error) {
    throw new MappingError(`place ${which}: ${(error as Error).message}`);
  }
}

function coordinate(raw: unknown, which: 'latitude' | 'longitude', limit: number): number {
  let value: number;
  try {
    value = parseNumber(raw);
  } catch {
    throw new MappingError(`${which} is not a number: ${show(raw)}`);
  }
  if (value < -limit || value > limit) {
    throw new MappingError(`${which} ${value} is out of range (-${limit}..${limit})`);
  }
  return value;
}

/**
 * `{ latitude, longitude, name?, address? }` — from the structured value source, or an object at
 * one path spelled `{ lat, lon }`, `{ lat, lng }` or `{ lat, long }` as map APIs return them.
 * Coordinates may be numeric strings. No coordinates at all is an empty place (null).
 */
export const place: PropertyType = {
  valueSchema: () => nullable('object', { required: ['latitude', 'longitude', 'name', 'address'], properties: { latitude: { type: 'number' }, longitude: { type: 'number' }, name: { type: ['string', 'null'] }, address: { type: ['string', 'null'] } } }),
  stored: () => 'place',
  structured: {
    name: 'place',
    keys: ['latitude', 'longitude', 'name', 'address'],
    required: ['latitude', 'longitude'],
    fits: (property) => property.type === 'place',
    noun: 'place',
    needs: 'a place needs both latitude and longitude',
  },
  normalize(raw) {
    if (raw === null || raw === undefined) return null;
    if (typeof raw !== 'object' || Array.isArray(raw)) {
      throw new MappingError(`expected a place { latitude, longitude }, got ${show(raw)}`);
    }
    const fields = raw as Fields;
    const latitude = pick(fields, ['latitude', 'lat']);
    const longitude = pick(fields, ['longitude', 'lon', 'lng', 'long']);
    const name = label(fields.name, 'name');
    const address = label(fields.address, 'address');
    if (latitude === undefined && longitude === undefined) {
      if (name === null && address === null) return null;
      throw new MappingError(`place ${show(name ?? address)} has no latitude and longitude`);
    }
    if (latitude === undefined) throw new MappingError(`place has a longitude but no latitude`);
    if (longitude === undefined) throw new MappingError(`place has a latitude but no longitude`);
    return {
      latitude: coordinate(latitude, 'latitude', 90),
      longitude: coordinate(longitude, 'longitude', 180),
      name,
      address,
    };
  },
};

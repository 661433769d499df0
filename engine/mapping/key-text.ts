/**
 * A row key as text: strings as written, integers in plain decimal (never exponent notation, so
 * 1e21 is '1000000000000000000000'), fractions as JavaScript writes them. Anything else has no key text: undefined.
 */
export function keyText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  return Number.isInteger(value) ? BigInt(value).toString() : String(value);
}

/** A key that names nothing: empty or only whitespace. */
export function isBlankKey(key: string): boolean {
  return key.trim() === '';
}

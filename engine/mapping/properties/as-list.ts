/**
 * The elements of a multi-valued property: an array as is, a single value as a one-element list,
 * null/undefined (and null elements) as nothing. Multi-valued properties store [] rather than null:
 * Notion has no difference between "no tags" and "tags unknown".
 */
export function asList(raw: unknown): unknown[] {
  const items = Array.isArray(raw) ? raw : [raw];
  return items.filter((item) => item !== null && item !== undefined);
}

/** Removes repeats, keeping each value's first position. */
export function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

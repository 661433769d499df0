/**
 * Ordering primitives. Lists are kept sorted incrementally (binary search + splice) rather than
 * re-sorted after each write: at benchmark sizes (100k records) a full sort per write would make
 * the sandbox, not the engine, the bottleneck.
 */

/** Anything positioned by (updated_at, id): records, and tombstones rendered as markers. */
export interface Keyed {
  id: string;
  updated_at: string;
}

/** The list order of almost every endpoint. ISO-8601 UTC strings of one width compare as times. */
export function compareKeyed(a: Keyed, b: Keyed): number {
  if (a.updated_at !== b.updated_at) return a.updated_at < b.updated_at ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function compareIds(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** First index whose element is not `lessThan` the probe: binary search over a sorted array. */
export function lowerBound<T>(rows: readonly T[], lessThan: (row: T) => boolean): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (lessThan(rows[mid])) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function insertSorted<T>(rows: T[], item: T, compare: (a: T, b: T) => number): void {
  rows.splice(
    lowerBound(rows, (r) => compare(r, item) < 0),
    0,
    item,
  );
}

/** Removes the element equal to `item` under `compare` (same key); returns whether it was there. */
export function removeSorted<T>(rows: T[], item: T, compare: (a: T, b: T) => number): boolean {
  const i = lowerBound(rows, (r) => compare(r, item) < 0);
  if (i >= rows.length || compare(rows[i], item) !== 0) return false;
  rows.splice(i, 1);
  return true;
}

/** Linear merge of two lists sorted by the same comparator. */
export function mergeSorted<T>(a: readonly T[], b: readonly T[], compare: (x: T, y: T) => number): T[] {
  const out: T[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = compare(a[i], b[j]) <= 0 ? a[i++] : b[j++];
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out;
}

/**
 * How far V8 lets the heap grow between full collections, for a process that syncs.
 *
 * A sync allocates fast and keeps little: a page's records die with its commit, and the live heap
 * stays flat (about 17 MB after a full collection, at 100k records and at 1M). V8 reads such a
 * mutator as cheap to collect for and lets the heap grow up to 4× its live size before the next
 * full collection, so a long backfill's peak memory rose with its length (186 MB at 1M records
 * against 141 MB at 100k) with nothing retained. Growing by half instead keeps the peak flat, at no
 * cost `npm run bench` can tell apart from noise: full collections of a 17 MB heap take ~2 ms.
 *
 * The setting is process-wide, so the CLI applies it to its own process; a program that embeds the
 * library decides for its own (this function is exported for that).
 */
import { setFlagsFromString } from 'node:v8';

export const SYNC_HEAP_GROWING_PERCENT = 50;

export function limitHeapGrowth(percent: number = SYNC_HEAP_GROWING_PERCENT): void {
  if (!Number.isSafeInteger(percent) || percent < 1) throw new RangeError(`heap growth must be a whole percentage of at least 1, got ${percent}`);
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}

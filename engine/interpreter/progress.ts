/**
 * How far a cycle is, when the source tells a total (`paginate.stop.total`): offset pagination
 * counts records (the total is a record count), pageNumber pagination counts pages. Read from the
 * page position, not counted in memory, so a resumed cycle (or a page split over several commits,
 * fetched once) reports where it really stands.
 */
import type { Paginator } from '../spec/types.generated.js';
import { selectFirst } from '../extract/jsonpath.js';

export interface CycleProgress {
  done: number;
  total: number;
}

export interface ProgressInput {
  /** The paginator position the page was fetched at ({ at, previousPage? }). */
  position: unknown;
  /** The page's response body (where the total is). */
  body: unknown;
  records: number;
  /** Records of the page committed so far, this commit included; undefined: all of them. */
  recordsDone: number | undefined;
}

export type ProgressReader = (input: ProgressInput) => CycleProgress | undefined;

/** undefined when the paginator has no `stop.total`: the cycle's length is not known. */
export function compileProgress(paginate: Paginator | undefined): ProgressReader | undefined {
  if (paginate?.type !== 'offset' && paginate?.type !== 'pageNumber') return undefined;
  const path = paginate.stop?.total;
  if (path === undefined) return undefined;
  if (paginate.type === 'offset') {
    const start = paginate.start ?? 0;
    return (input) => measured(input, path, (at) => at - start + (input.recordsDone ?? input.records));
  }
  const start = paginate.start ?? 1;
  // A page counts once all of it is committed.
  return (input) => measured(input, path, (at) => at - start + (input.recordsDone === undefined ? 1 : 0));
}

function measured(input: ProgressInput, path: string, doneAt: (at: number) => number): CycleProgress | undefined {
  const total = totalOf(selectFirst(path, input.body));
  const at = (input.position as { at?: unknown } | null)?.at;
  if (total === undefined || typeof at !== 'number') return undefined;
  // Records added at the source while the cycle reads can carry it past an older total.
  return { done: Math.min(Math.max(0, doneAt(at)), total), total };
}

/** Totals as APIs write them: numbers, or numeric strings (as stop.total reads them). */
function totalOf(value: unknown): number | undefined {
  const total = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof total === 'number' && Number.isFinite(total) && total >= 0 ? total : undefined;
}

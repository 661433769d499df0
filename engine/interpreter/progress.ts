/**
 * How far a cycle is, when the source tells a total (`paginate.stop.total`), in the unit the style
 * counts it in (its `progress`: offset pagination counts records, pageNumber pagination pages). Read
 * from the page position, not counted in memory, so a resumed cycle (or a page split over several
 * commits, fetched once) reports where it really stands.
 */
import type { Paginator } from '../spec/model.generated.js';
import { selectFirst } from '../extract/jsonpath.js';
import { styleOf } from '../pagination/facts.js';

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
  const progress = styleOf(paginate).progress;
  const path = paginate && 'stop' in paginate ? paginate.stop?.total : undefined;
  if (!paginate || !progress || path === undefined) return undefined;
  return (input) => {
    const total = totalOf(selectFirst(path, input.body));
    const at = (input.position as { at?: unknown } | null)?.at;
    const done = total === undefined || at === undefined || at === null ? undefined : progress(paginate, at, input);
    // Records added at the source while the cycle reads can carry it past an older total.
    return done === undefined || total === undefined ? undefined : { done: Math.min(Math.max(0, done), total), total };
  };
}

/** Totals as APIs write them: numbers, or numeric strings (as stop.total reads them). */
function totalOf(value: unknown): number | undefined {
  const total = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof total === 'number' && Number.isFinite(total) && total >= 0 ? total : undefined;
}

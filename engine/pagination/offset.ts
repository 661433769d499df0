/**
 * `?offset=N`: the next offset is this one plus the records received — not plus pageSize, since APIs cap
 * page sizes silently. `stop.total` is the number of records.
 */
import type { PaginateOffset } from '../spec/model.generated.js';
import { placeValue, toTarget } from './param.js';
import type { PaginatorStyle } from './style.js';

export const offset: PaginatorStyle<PaginateOffset, number> = {
  defaultStop: { emptyPage: true },
  noun: 'offset',
  firstPosition: (spec) => spec.start,
  applyPosition: (spec, request, position) =>
    position === undefined ? request : placeValue(request, toTarget(spec.param), position),
  nextPosition: (spec, page) => (page.position ?? spec.start) + page.records.length,
  pastTotal: (_spec, totalRecords, next) => next >= totalRecords,
  ahead: (_spec, next, n, pageSize) => (pageSize === undefined ? undefined : next + n * pageSize),
  progress: (spec, at, page) => (typeof at === 'number' ? at - spec.start + (page.recordsDone ?? page.records) : undefined),
};

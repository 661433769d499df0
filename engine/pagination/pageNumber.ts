/** `?page=N`, counting from `start` (default 1); `stop.total` is the number of pages. */
import type { PaginatePageNumber } from '../spec/types.generated.js';
import { placeValue, toTarget } from './param.js';
import type { PaginatorStyle } from './style.js';

export const pageNumber: PaginatorStyle<PaginatePageNumber, number> = {
  defaultStop: { emptyPage: true },
  noun: 'page number',
  firstPosition: (spec) => spec.start ?? 1,
  applyPosition: (spec, request, position) =>
    position === undefined ? request : placeValue(request, toTarget(spec.param ?? 'page'), position),
  nextPosition: (spec, page) => (page.position ?? spec.start ?? 1) + 1,
  pastTotal: (spec, totalPages, next) => next - (spec.start ?? 1) >= totalPages,
  ahead: (_spec, next, n) => next + n,
  // A page counts once all of it is committed.
  progress: (spec, at, page) => (typeof at === 'number' ? at - (spec.start ?? 1) + (page.recordsDone === undefined ? 1 : 0) : undefined),
};

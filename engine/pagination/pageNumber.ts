/** `?page=N`, counting from `start`; `stop.total` is the number of pages. */
import type { PaginatePageNumber } from '../spec/model.generated.js';
import { placeValue, toTarget } from './param.js';
import type { PaginatorStyle } from './style.js';

export const pageNumber: PaginatorStyle<PaginatePageNumber, number> = {
  defaultStop: { emptyPage: true },
  noun: 'page number',
  firstPosition: (spec) => spec.start,
  applyPosition: (spec, request, position) =>
    position === undefined ? request : placeValue(request, toTarget(spec.param), position),
  nextPosition: (spec, page) => (page.position ?? spec.start) + 1,
  pastTotal: (spec, totalPages, next) => next - spec.start >= totalPages,
  ahead: (_spec, next, n) => next + n,
  // A page counts once all of it is committed.
  progress: (spec, at, page) => (typeof at === 'number' ? at - spec.start + (page.recordsDone === undefined ? 1 : 0) : undefined),
};

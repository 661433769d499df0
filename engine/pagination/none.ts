import type { PaginateNone } from '../spec/model.generated.js';
import type { PaginatorStyle } from './style.js';

/** One request, one page. */
export const none: PaginatorStyle<PaginateNone, never> = {
  defaultStop: { missingToken: true },
  noun: 'page',
  firstPosition: () => undefined,
  applyPosition: (_spec, request) => request,
  nextPosition: () => undefined,
};

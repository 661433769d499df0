/**
 * Stop conditions, evaluated outside the styles: pagination ends as soon as ANY configured condition
 * holds (Salesforce: `done` OR a short page). A condition that reads the response (hasMore, done, total)
 * and finds nothing there is an error, not a silent stop: a misspelled path would otherwise end every
 * sync after its first page.
 */
import type { Stop } from '../spec/types.generated.js';
import { describeValue, selectAll } from '../extract/jsonpath.js';
import { PaginationError } from './errors.js';

export type StopReason = 'hasMore' | 'done' | 'missingToken' | 'emptyPage' | 'shortPage' | 'total';

export interface StopInput {
  body: unknown;
  records: unknown[];
  /** The position the style found for the next page; undefined = none. */
  next: unknown;
  /** describeRequest(…) of the page's request. */
  request: string;
}

export interface StopOptions {
  pageSize: number | undefined;
  /** The style's reading of `stop.total`; undefined when the style has none. */
  pastTotal: ((total: number, next: unknown) => boolean) | undefined;
  /** Spec location for configuration errors, e.g. `paginate` */
  where: string;
}

export type StopCheck = (input: StopInput) => StopReason | undefined;

export function compileStop(stop: Stop, options: StopOptions): StopCheck {
  const { pageSize, pastTotal, where } = options;
  if (stop.shortPage && pageSize === undefined) {
    throw new PaginationError(`${where}.stop.shortPage needs ${where}.pageSize (a page is short compared to it)`);
  }
  if (stop.total !== undefined && pastTotal === undefined) {
    throw new PaginationError(`${where}.stop.total applies to pageNumber and offset pagination only`);
  }
  const checks: [StopReason, (input: StopInput) => boolean][] = [];
  if (stop.hasMore !== undefined) {
    const path = stop.hasMore;
    checks.push(['hasMore', (input) => !truthy(read(input, path, 'hasMore'))]);
  }
  if (stop.done !== undefined) {
    const path = stop.done;
    checks.push(['done', (input) => truthy(read(input, path, 'done'))]);
  }
  if (stop.missingToken) checks.push(['missingToken', (input) => input.next === undefined]);
  if (stop.emptyPage) checks.push(['emptyPage', (input) => input.records.length === 0]);
  if (stop.shortPage) checks.push(['shortPage', (input) => input.records.length < pageSize!]);
  if (stop.total !== undefined) {
    const path = stop.total;
    checks.push([
      'total',
      (input) => {
        const value = read(input, path, 'total');
        const total = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
        if (typeof total !== 'number' || !Number.isFinite(total)) {
          throw new PaginationError(`${input.request}: stop.total ${path} is not a number (got ${describeValue(value)})`);
        }
        return input.next !== undefined && pastTotal!(total, input.next);
      },
    ]);
  }
  return (input) => checks.find(([, holds]) => holds(input))?.[0];
}

function read(input: StopInput, path: string, condition: StopReason): unknown {
  const found = selectAll(path, input.body);
  if (found.length === 0) {
    throw new PaginationError(
      `${input.request}: stop.${condition} path ${path} found nothing in the response (the response is ${describeValue(input.body)})`,
    );
  }
  return found[0];
}

/** Flags as APIs write them: booleans, and also "true"/"false" strings and 0/1. */
function truthy(value: unknown): boolean {
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (text === 'false' || text === '0' || text === '') return false;
    return true;
  }
  return Boolean(value);
}

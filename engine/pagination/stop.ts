/**
 * Stop conditions, evaluated outside the styles: pagination ends as soon as ANY configured condition
 * holds (Salesforce: `done` OR a short page). A condition that reads the response (hasMore, done, total)
 * and finds nothing there is an error, not a silent stop: a misspelled path would otherwise end every
 * sync after its first page.
 */
import type { Stop } from '../spec/model.generated.js';
import { describeValue, selectAll } from '../extract/jsonpath.js';
import { PaginationError } from './errors.js';
import type { PaginatorIssue } from './style.js';

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
}

export type StopCheck = (input: StopInput) => StopReason | undefined;

/** What the stop rules need to know of a paginator and its style. */
export interface StopFacts {
  type: string;
  /** The style's name for a position ("page token"), for messages. */
  noun: string;
  defaultStop: Stop;
  hasPageSize: boolean;
  /** Whether the style reads `stop.total` (it has pastTotal), and which styles do ("pageNumber and offset"). */
  readsTotal: boolean;
  totalStyles: string;
}

/**
 * The stop rules the schema cannot express, for every style: what compileStop needs to hold. `written`
 * is the paginator's own `stop`; without one the style's default stop must hold too.
 */
export function checkStop(written: Stop | undefined, facts: StopFacts): PaginatorIssue[] {
  const issues: PaginatorIssue[] = [];
  if (!facts.hasPageSize && written?.shortPage === true) {
    issues.push({
      path: ['stop', 'shortPage'],
      code: 'missing-page-size',
      message: 'stop.shortPage compares each page with the page size, but the paginator has no pageSize',
    });
  }
  if (!facts.hasPageSize && written === undefined && facts.defaultStop.shortPage === true) {
    issues.push({
      path: [],
      code: 'missing-page-size',
      message:
        `${facts.type} pagination stops on a short page unless told otherwise (its default stop is ${Object.keys(facts.defaultStop).join(', ')}), ` +
        'and a page is short compared with the page size, but the paginator has no pageSize; give pageSize, or a stop such as stop: { emptyPage: true }',
    });
  }
  if (written?.total !== undefined && !facts.readsTotal) {
    issues.push({
      path: ['stop', 'total'],
      code: 'bad-stop',
      message:
        `stop.total applies to ${facts.totalStyles} pagination only: ` +
        `the ${facts.noun} of ${facts.type} pagination cannot be compared with a total`,
    });
  }
  return issues;
}

/** The paginator passed checkStop: every condition it gives can be evaluated. */
export function compileStop(stop: Stop, options: StopOptions): StopCheck {
  const { pageSize, pastTotal } = options;
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

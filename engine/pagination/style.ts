/**
 * A pagination style is a set of pure functions of (spec, position, last response): what the first
 * position is, where a position goes in a request, and what the next position is. Stop conditions and the
 * non-advancing guard are not the style's business; paginate.ts applies them to every style alike.
 */
import type { Stop } from '../spec/model.generated.js';
import type { HttpRequest, HttpResponse } from '../http/request.js';

export interface Page<P> {
  response: HttpResponse;
  /** The records extracted from the response. */
  records: unknown[];
  /** The position this page was fetched at (undefined for the first page of a style that starts without one). */
  position: P | undefined;
  /** describeRequest(…) of the request, secrets redacted, for error messages. */
  request: string;
  baseUrl: string;
}

export interface PaginatorStyle<S, P> {
  /** Stop conditions used when the spec gives no `stop`. */
  defaultStop: Stop;
  /** How messages name a position: "page token", "page URL"… */
  noun: string;
  /**
   * The style reads some records twice on purpose (requery pages through a tied value from its start),
   * so "this page repeats the page before it" is no sign of a stuck API; the position guard still holds.
   */
  rereadsRecords?: boolean;
  /**
   * Configuration errors the schema cannot express (a key another key requires). `validate` reports them
   * at their place in the file; compile refuses a paginator with any (check.ts runs this and the stop rules).
   */
  check?(spec: S): PaginatorIssue[];
  firstPosition(spec: S): P | undefined;
  /** Puts the position into the request: a token into query/header/body, a next URL in place of the URL. */
  applyPosition(spec: S, request: HttpRequest, position: P | undefined, baseUrl: string): HttpRequest;
  /** undefined = the style sees no next page. */
  nextPosition(spec: S, page: Page<P>): P | undefined;
  /**
   * The position the page was actually fetched at, when the request says more than `page.position`
   * (the first page of a next-URL style has no position but does have a URL).
   */
  fetchedAt?(spec: S, page: Page<P>): P | undefined;
  /** For `stop.total`: whether `next` lies past the total the response announced. Styles without it reject `total`. */
  pastTotal?(spec: S, total: number, next: P): boolean;
  /**
   * The position `n` pages past `next`, were every page full: what lets pages be fetched ahead
   * (`pageConcurrency`) once the total is known. Styles whose next position depends on the
   * response (tokens, URLs) have none.
   */
  ahead?(spec: S, next: P, n: number, pageSize: number | undefined): P | undefined;
  /**
   * With `stop.total`: how far a cycle is at the page fetched at `at`, in the unit of the total (pages,
   * records); undefined when `at` says nothing (a position of another shape).
   */
  progress?(spec: S, at: P, page: ProgressPage): number | undefined;
  /**
   * The position is a cursor (keyset, requery): the request templates read it as {{cursor}}, and in an
   * incremental sync the position after each page is the sync's cursor.
   */
  cursor?: CursorPaging<P>;
}

/** A configuration error, at `path` below the paginate block (`[]`: the block itself). */
export interface PaginatorIssue {
  path: readonly string[];
  /** A diagnostic code, as validate prints it (`missing-page-size`, `bad-stop`…). */
  code: string;
  message: string;
}

/** What progress sees of a page: its records, and how many of them are committed (undefined: all). */
export interface ProgressPage {
  records: number;
  recordsDone: number | undefined;
}

/** Styles whose position is a cursor: what the request templates see, and what they must read. */
export interface CursorPaging<P> {
  /** What {{cursor}} holds while paging. */
  fields: readonly string[];
  /** Cursor fields the request must read, or every page is the first one. */
  requires: readonly CursorRequirement[];
  /** {{cursor}} at a position; undefined keeps the sync's own cursor (the first page). */
  at(position: P | undefined): TemplateCursor | undefined;
}

export interface CursorRequirement {
  /** Cursor fields the request must read, all of them. */
  fields: readonly string[];
  code: string;
  /** What pagination cannot do without them, after "… pagination cannot ". */
  cannot: string;
  /** How to send them, after "; ". */
  fix: string;
}

/** {{cursor}} at a position: `tie` is set by requery only (true while paging through one tied value). */
export interface TemplateCursor {
  value: unknown;
  id: string | null;
  tie?: boolean;
}

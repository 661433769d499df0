/**
 * Where a value goes in a request — a query parameter, a header, or a dotted path in the JSON body — kept
 * apart from what the value is, so every style can send its position anywhere.
 */
import type { PageSizeOrNumber, ParamTargetOrName } from '../spec/model.generated.js';
import type { HttpRequest } from '../http/request.js';
import { PaginationError } from './errors.js';

export interface ParamTarget {
  in: 'query' | 'header' | 'body';
  /** Query parameter or header name; for `body`, a dotted path such as variables.after. */
  name: string;
}

export interface PageSize {
  value: number;
  target: ParamTarget | undefined;
}

export function toTarget(param: ParamTargetOrName): ParamTarget {
  return typeof param === 'string' ? { in: 'query', name: param } : { in: param.in, name: param.name };
}

export function toPageSize(pageSize: PageSizeOrNumber | undefined): PageSize | undefined {
  if (pageSize === undefined) return undefined;
  if (typeof pageSize === 'number') return { value: pageSize, target: undefined };
  return { value: pageSize.value, target: pageSize.param === undefined ? undefined : toTarget(pageSize.param) };
}

/** The request with `value` at `target`. Body values keep their JSON type; query and header values become text. */
export function placeValue(request: HttpRequest, target: ParamTarget, value: unknown): HttpRequest {
  switch (target.in) {
    case 'query':
      return { ...request, query: { ...request.query, [target.name]: String(value) } };
    case 'header':
      return { ...request, headers: { ...request.headers, [target.name]: String(value) } };
    case 'body':
      return { ...request, body: setDotted(request.body, target.name, value) };
  }
}

function setDotted(body: unknown, path: string, value: unknown): unknown {
  if (body !== undefined && !isObject(body)) {
    throw new PaginationError(`cannot put a value at ${path} of the request body: the body is not a JSON object`);
  }
  const root: Record<string, unknown> = body === undefined ? {} : structuredClone(body);
  const keys = path.split('.');
  let node = root;
  for (const key of keys.slice(0, -1)) {
    const child = node[key];
    if (child === undefined || child === null) node[key] = {};
    else if (!isObject(child)) {
      throw new PaginationError(`cannot put a value at ${path} of the request body: ${key} is not an object`);
    }
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
  return root;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

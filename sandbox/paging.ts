/**
 * Query parsing and page slicing shared by the pagination families. Each family differs only in the
 * names of its parameters and the shape of its envelope; the windows, keysets and tokens are here once.
 */
import { badRequest } from './http.js';
import { compareKeyed, lowerBound, type Keyed } from './order.js';

export const DEFAULT_LIMIT = 25;
export const MAX_LIMIT = 100;

/** Integer parameter; values above `max` are clamped (as GitHub does with per_page), junk is a 400. */
export function intParam(query: URLSearchParams, name: string, def: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return def;
  return intValue(raw, name, min, max);
}

export function intValue(raw: unknown, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < min) throw badRequest(`${name} must be an integer >= ${min}`);
  return Math.min(n, max);
}

export function limitParam(query: URLSearchParams, name = 'limit'): number {
  return intParam(query, name, DEFAULT_LIMIT, 1, MAX_LIMIT);
}

/** Any date the JS parser accepts, normalized to the ISO form records use so strings compare as times. */
export function isoValue(raw: string, name: string): string {
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) throw badRequest(`${name} must be an ISO-8601 timestamp`);
  return new Date(ms).toISOString();
}

export function isoParam(query: URLSearchParams, name: string): string | undefined {
  const raw = query.get(name);
  return raw === null || raw === '' ? undefined : isoValue(raw, name);
}

/** `updated_since` (inclusive) and `updated_before` (exclusive), accepted by every contact list. */
export interface Window {
  since?: string;
  before?: string;
}

export function windowParams(query: URLSearchParams, sinceName = 'updated_since'): Window {
  return { since: isoParam(query, sinceName), before: isoParam(query, 'updated_before') };
}

export function inWindow(ts: string, w: Window): boolean {
  return (w.since === undefined || ts >= w.since) && (w.before === undefined || ts < w.before);
}

/** The rows of a (updated_at, id)-sorted list inside a window, by binary search. */
export function sliceWindow<T extends Keyed>(rows: readonly T[], w: Window): T[] {
  const start = w.since === undefined ? 0 : lowerBound(rows, (r) => r.updated_at < w.since!);
  const end = w.before === undefined ? rows.length : lowerBound(rows, (r) => r.updated_at < w.before!);
  return rows.slice(start, Math.max(start, end));
}

/** Keyset page: rows strictly after `after` in (updated_at, id) order. */
export function keysetPage<T extends Keyed>(rows: readonly T[], after: Keyed | undefined, limit: number): { page: T[]; hasMore: boolean } {
  const start = after ? lowerBound(rows, (r) => compareKeyed(r, after) <= 0) : 0;
  return { page: rows.slice(start, start + limit), hasMore: start + limit < rows.length };
}

/** Opaque tokens are base64url JSON: opaque to clients, trivially debuggable for us. */
export function encodeToken(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeToken<T>(raw: string, name: string, valid: (v: unknown) => v is T): T {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (!valid(value)) throw badRequest(`${name} is not a token this API issued`, 'invalid_cursor');
  return value;
}

/** A keyset position as it travels inside tokens: [updated_at, id]. */
export type KeyTuple = [string, string];

export function isKeyTuple(v: unknown): v is KeyTuple {
  return Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string';
}

export function keyOf(row: Keyed): KeyTuple {
  return [row.updated_at, row.id];
}

export function keyed([updated_at, id]: KeyTuple): Keyed {
  return { updated_at, id };
}

export function decodeKey(raw: string | null | undefined, name: string): Keyed | undefined {
  return raw ? keyed(decodeToken(raw, name, isKeyTuple)) : undefined;
}

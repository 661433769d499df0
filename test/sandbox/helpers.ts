/** Shared test plumbing: authenticated fetch against a running sandbox, and a walker for page chains. */
import type { Sandbox } from '../../sandbox/server.js';

export const TOKEN = 'sandbox-token';
export const AUTH = { authorization: `Bearer ${TOKEN}` };

export interface Res<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

async function wrap<T>(response: Response): Promise<Res<T>> {
  const text = await response.text();
  let body: any;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, body, text };
}

/** GET with the sandbox bearer token unless `headers` replaces it; absolute URLs pass through. */
export async function get<T = any>(sb: Sandbox, path: string, headers: Record<string, string> = AUTH): Promise<Res<T>> {
  return wrap<T>(await fetch(path.startsWith('http') ? path : sb.url + path, { headers }));
}

export async function post<T = any>(sb: Sandbox, path: string, body: unknown, headers: Record<string, string> = AUTH): Promise<Res<T>> {
  return wrap<T>(
    await fetch(sb.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }),
  );
}

/**
 * Follows a page chain: `fetchPage(state)` returns the page's records and the next state, or
 * undefined when done. Guards against endless loops, which a broken paginator would cause.
 */
export async function walk<S>(first: S, fetchPage: (state: S) => Promise<{ records: any[]; next?: S }>, maxPages = 500): Promise<any[]> {
  const out: any[] = [];
  let state: S | undefined = first;
  for (let i = 0; state !== undefined; i++) {
    if (i >= maxPages) throw new Error('too many pages: paginator loops');
    const { records, next } = await fetchPage(state);
    out.push(...records);
    state = next;
  }
  return out;
}

export function ids(records: Array<{ id: string }>): string[] {
  return records.map((r) => r.id);
}

export function sortedByKey<T extends { id: string; updated_at: string }>(records: T[]): T[] {
  return [...records].sort((a, b) => (a.updated_at < b.updated_at ? -1 : a.updated_at > b.updated_at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** ServiceNow's display format of an ISO timestamp. */
export function snowTime(iso: string): string {
  return iso.slice(0, 19).replace('T', ' ');
}

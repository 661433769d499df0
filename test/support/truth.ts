/** The sandbox's source of truth, as the engine should have stored it. */
import type { Sandbox, SourceRecord } from '../../sandbox/server.js';

/** Live contacts that map cleanly: the source minus the deliberately bad ones. */
export function goodContacts(sandbox: Sandbox): SourceRecord[] {
  const bad = new Set(sandbox.source.badContactIds);
  return sandbox.source.list('contacts').filter((contact) => !bad.has(contact.id));
}

export function ids(records: { id: string }[]): string[] {
  return records.map((record) => record.id).sort();
}

/** Requests the sandbox answered, per URL (path and query), for paths starting with `prefix`. */
export function requestsByUrl(sandbox: Sandbox, prefix: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const entry of sandbox.source.stats.filter({ pathPrefix: prefix })) counts.set(entry.url, (counts.get(entry.url) ?? 0) + 1);
  return counts;
}

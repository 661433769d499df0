/**
 * Turns the records of a page into changes: filter, pick the mapped object, recognise delete
 * markers, map properties, read the version. A record that fails to map, or whose version cannot
 * be read, is reported with its key and reason and the rest of the page proceeds.
 */
import type { Change, FailedRecord, UpsertChange } from '../core/types.js';
import type { Condition } from '../spec/types.generated.js';
import type { Redactor } from '../http/redact.js';
import { matchesCondition } from '../extract/conditions.js';
import { selectFirst } from '../extract/jsonpath.js';
import type { MapContext, RecordMapper } from '../mapping/record-mapper.js';
import type { VersionReader } from './version.js';

export interface RecordRules {
  filter?: Condition;
  object?: string;
  deleteWhen?: Condition;
  mapper: RecordMapper;
  /** Read from the raw record (the event, when `object` picks the object out of it). */
  version?: VersionReader;
  /** The connector's secrets: a record that holds one (an API echoing a key into its data) is not stored. */
  secrets?: Redactor;
}

export interface PageChanges {
  changes: Change[];
  failed: FailedRecord[];
}

export function recordsToChanges(records: unknown[], rules: RecordRules, ctx: MapContext): PageChanges {
  const changes: Change[] = [];
  const failed: FailedRecord[] = [];
  for (const record of records) {
    if (rules.filter && !matchesCondition(rules.filter, record)) continue;
    const object = rules.object ? selectFirst(rules.object, record) : record;
    if (rules.deleteWhen && matchesCondition(rules.deleteWhen, record)) {
      const key = rules.mapper.key(object, ctx);
      if (key === null) failed.push({ key: null, reason: 'delete marker without a primary key' });
      else versioned({ type: 'delete', key }, record, rules.version, changes, failed);
      continue;
    }
    if (object === undefined || object === null || typeof object !== 'object') {
      failed.push({ key: null, reason: `${rules.object ?? 'record'} is ${object === undefined ? 'missing' : JSON.stringify(object)}, not an object` });
      continue;
    }
    const outcome = rules.mapper.map(object, ctx);
    const holding = outcome.ok && rules.secrets ? credentialHolder(outcome.change, rules.secrets) : undefined;
    if (holding !== undefined) failed.push({ key: rules.secrets!.redact(outcome.ok ? outcome.change.key : ''), reason: `${holding} holds one of the connector's secrets; the record is not stored` });
    else if (outcome.ok) versioned(outcome.change, record, rules.version, changes, failed);
    else failed.push(outcome.failure);
  }
  return { changes, failed };
}

/** Adds the change with its version; a change whose version cannot be read is a failed record. */
export function versioned(change: Change, record: unknown, version: VersionReader | undefined, changes: Change[], failed: FailedRecord[]): void {
  if (!version) {
    changes.push(change);
    return;
  }
  try {
    changes.push({ ...change, version: version(record) });
  } catch (error) {
    failed.push({ key: change.key, reason: (error as Error).message });
  }
}

/** Deleted ids listed beside the records (`deletes.ids`): `{ deleted_ids: [...] }`. */
export function listedDeletions(body: unknown, idsPath: string | undefined): Change[] {
  if (!idsPath) return [];
  const ids = selectFirst(idsPath, body);
  if (ids === undefined || ids === null) return [];
  const list = Array.isArray(ids) ? ids : [ids];
  return list
    .filter((id): id is string | number => (typeof id === 'string' && id !== '') || typeof id === 'number')
    .map((id) => ({ type: 'delete' as const, key: String(id) }));
}

/** A raw record's key for a failure report, by the sync's own rules; null when it has none. */
export function recordKey(rules: RecordRules, record: unknown, ctx: MapContext): string | null {
  try {
    return rules.mapper.key(rules.object ? selectFirst(rules.object, record) : record, ctx);
  } catch {
    return null;
  }
}

/** Which part of an upsert holds a secret value (`the key`, `property "Notes"`), if any. */
function credentialHolder(change: UpsertChange, secrets: Redactor): string | undefined {
  if (secrets.matches(change.key)) return 'the key';
  for (const [name, value] of Object.entries(change.properties)) {
    if (holdsSecret(value, secrets)) return `property "${name}"`;
  }
  if (holdsSecret(change.icon, secrets)) return 'the icon';
  if (holdsSecret(change.pageContentMarkdown, secrets)) return 'the page content';
  return undefined;
}

function holdsSecret(value: unknown, secrets: Redactor): boolean {
  if (typeof value === 'string') return secrets.matches(value);
  if (Array.isArray(value)) return value.some((item) => holdsSecret(item, secrets));
  if (value !== null && typeof value === 'object') return Object.values(value).some((item) => holdsSecret(item, secrets));
  return false;
}

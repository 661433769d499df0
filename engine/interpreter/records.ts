/**
 * Turns the records of a page into changes: filter, pick the mapped object, recognise delete
 * markers, map properties, read the version. A record that fails to map, or whose version cannot
 * be read, is reported with its key and reason and the rest of the page proceeds.
 */
import type { Change, FailedRecord, UpsertChange } from '../core/types.js';
import type { Condition } from '../spec/model.generated.js';
import type { Redactor } from '../http/redact.js';
import { describeLoneSurrogate, loneSurrogateAt } from '../core/text.js';
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
    if (!outcome.ok) {
      failed.push(outcome.failure);
      continue;
    }
    const refused = unstorable(outcome.change, rules.secrets);
    if (refused) failed.push(refused);
    else versioned(outcome.change, record, rules.version, changes, failed);
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

/**
 * Why an upsert cannot become a row, if it cannot: a part of it holds one of the connector's secrets
 * (an API echoing a key into its data), or text that is not valid Unicode. The key of the failure
 * is redacted.
 */
function unstorable(change: UpsertChange, secrets: Redactor | undefined): FailedRecord | undefined {
  // Reported with its key (escaped in run history): a failure without a key would stop the sweep.
  const keyAt = loneSurrogateAt(change.key);
  if (keyAt >= 0) return { key: change.key, reason: `the key holds ${describeLoneSurrogate(change.key, keyAt)}; the record is not stored` };
  // Per record: nothing is allocated unless a part has a problem.
  let problem = textProblem(change.key, secrets);
  if (problem) return unstored(change, secrets, 'the key', problem);
  for (const name in change.properties) {
    problem = textProblem(change.properties[name], secrets);
    if (problem) return unstored(change, secrets, `property "${name}"`, problem);
  }
  problem = textProblem(change.icon, secrets);
  if (problem) return unstored(change, secrets, 'the icon', problem);
  problem = textProblem(change.pageContentMarkdown, secrets);
  if (problem) return unstored(change, secrets, 'the page content', problem);
  return undefined;
}

function unstored(change: UpsertChange, secrets: Redactor | undefined, part: string, problem: string): FailedRecord {
  return { key: secrets ? secrets.redact(change.key) : change.key, reason: `${part} holds ${problem}; the record is not stored` };
}

/** What is wrong with the text in a value (a string, or strings inside lists and objects), if anything. */
function textProblem(value: unknown, secrets: Redactor | undefined): string | undefined {
  if (typeof value === 'string') {
    const at = loneSurrogateAt(value);
    if (at >= 0) return describeLoneSurrogate(value, at);
    return secrets?.matches(value) ? "one of the connector's secrets" : undefined;
  }
  if (Array.isArray(value)) {
    for (const item of value) {
      const problem = textProblem(item, secrets);
      if (problem) return problem;
    }
  } else if (value !== null && typeof value === 'object') {
    return textProblem(Object.values(value), secrets);
  }
  return undefined;
}

/**
 * A delete stream (`deletes.stream`): a separate endpoint of deletions — an audit log, an archived
 * filter, a trash — walked like any stream (phase.ts), each record a deletion of its key. Versioned
 * by its cursor field when that is a timestamp or a number (`deleted_at`), so a deletion never
 * loses to an older write delivered later, nor removes a row written after it.
 */
import type { Change, FailedRecord } from '../core/types.js';
import type { DeleteStream, Paginator } from '../spec/model.generated.js';
import { selectFirst } from '../extract/jsonpath.js';
import { keyText, isBlankKey } from '../mapping/key-text.js';
import { cursorRules } from './cursor.js';
import type { PhaseRules } from './phase.js';
import { pagesByCursor } from '../pagination/facts.js';
import { versioned } from './records.js';
import { compileStream, type HttpSender } from './stream.js';
import { compileVersion } from './version.js';
import type { WalkLimits } from './walk-guard.js';

export interface DeleteStreamDeps {
  sender: HttpSender;
  baseUrl: string;
  maxChanges: number;
  limits: WalkLimits;
  vars: Record<string, unknown>;
  secrets: Record<string, string>;
}

export function compileDeleteStream(spec: DeleteStream, deps: DeleteStreamDeps): PhaseRules {
  const paginate = spec.paginate as Paginator | undefined;
  const stream = compileStream({ request: spec.request, records: spec.records, paginate }, deps.sender, deps.baseUrl);
  const incremental = spec.cursor
    ? { spec: spec.cursor, rules: cursorRules(spec.cursor), pagedByCursor: pagesByCursor(paginate) }
    : undefined;
  const version = compileVersion({ cursor: incremental && { field: spec.cursor!.field, rules: incremental.rules } });
  const keyOf = (record: unknown): string | null => {
    const key = keyText(selectFirst(spec.key, record));
    return key === undefined || isBlankKey(key) ? null : key;
  };
  return {
    stream, incremental,
    maxChanges: deps.maxChanges, limits: deps.limits, vars: deps.vars, secrets: deps.secrets,
    keyOf,
    toChanges(records) {
      const changes: Change[] = [];
      const failed: FailedRecord[] = [];
      for (const record of records) {
        const key = keyOf(record);
        if (key === null) failed.push({ key: null, reason: `deletes.stream.key ${spec.key} found no key (text or a number) in a deleted record` });
        else versioned({ type: 'delete', key }, record, version, changes, failed);
      }
      return { changes, failed };
    },
  };
}

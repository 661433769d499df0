/**
 * Loading ends in the model: the schema's defaults applied once, so no code after it carries a
 * default of its own. The defaults are read from the schema, branch by branch.
 */
import { describe, expect, test } from 'vitest';
import { connectorDefault, withDefaults } from '../../engine/spec/defaults.js';
import { toPropertyDefinition } from '../../engine/spec/databases.js';

describe('withDefaults', () => {
  test('a discriminated branch gets its own defaults, not another branch\'s', () => {
    expect(withDefaults('connector', { type: 'offset', pageSize: 50 }, 'paginator')).toEqual({ type: 'offset', pageSize: 50, param: 'offset', start: 0 });
    expect(withDefaults('connector', { type: 'pageNumber' }, 'paginator')).toEqual({ type: 'pageNumber', param: 'page', start: 1 });
    expect(withDefaults('connector', { type: 'token', token: { path: '$.next' }, param: 'c' }, 'paginator')).toEqual({ type: 'token', token: { path: '$.next' }, param: 'c' });
  });

  test('an anyOf takes the branch the value belongs to: a parameter object gets `in`, a name stays a name', () => {
    expect(withDefaults('connector', { type: 'offset', param: { name: 'startAt' } }, 'paginator')).toMatchObject({ param: { in: 'query', name: 'startAt' } });
    expect(withDefaults('connector', { type: 'relay', pageInfo: '$.data.pageInfo' }, 'paginator')).toMatchObject({ param: { in: 'body', name: 'variables.after' } });
  });

  test('what is written stays; an object with defaulted keys is filled, given or not', () => {
    const api = withDefaults('connector', { baseUrl: 'https://x', retry: { attempts: 2 } }, 'api');
    expect(api).toMatchObject({ timeoutMs: 30000, retry: { attempts: 2, baseDelayMs: 500, maxDelayMs: 30000 }, rateLimit: { backoffMs: 1000 } });
    expect(withDefaults('connector', { baseUrl: 'https://x' }, 'api')).toMatchObject({ retry: { attempts: 5 } });
  });

  test('maps of named entries and nested syncs are defaulted entry by entry; the input is not changed', () => {
    const spec = {
      syncspec: 1, api: { baseUrl: 'https://x' },
      databases: { items: { primaryKeyProperty: 'ID', properties: { ID: 'richText', Due: { type: 'date' } } } },
      syncs: { items: { database: 'items', request: { path: '/i' }, map: { ID: '$.id' }, mode: 'incremental', cursor: { field: '$.u' } } },
    };
    const copy = structuredClone(spec);
    const model = withDefaults<{ databases: { items: { properties: Record<string, unknown> } }; syncs: { items: Record<string, unknown> } }>('connector', spec);
    expect(spec).toEqual(copy);
    expect(model.databases.items.properties).toEqual({ ID: 'richText', Due: { type: 'date', format: 'date' } });
    expect(model.syncs.items).toMatchObject({ mode: 'incremental', cursor: { field: '$.u', type: 'timestamp', format: 'iso', bufferSeconds: 10, order: 'ascending' } });
  });

  test('a bare property type has the defaults of its object form', () => {
    expect(toPropertyDefinition('', 'Amount', 'number')).toEqual({ name: 'Amount', type: 'number', format: 'number' });
    expect(toPropertyDefinition('', 'Due', 'date')).toEqual({ name: 'Due', type: 'date', dateFormat: 'date' });
  });

  test('the config: storage, concurrency and history', () => {
    expect(withDefaults('config', { syncspec: 1, connectors: {} })).toEqual({
      syncspec: 1, connectors: {}, concurrency: 4,
      database: { type: 'sqlite', path: './data/syncspec.db', busyTimeoutMs: 5000 }, history: { keepDays: 30, keepRuns: 100 },
    });
  });

  test('code that reads a document as written asks the schema for the default', () => {
    expect(connectorDefault('sync', 'fullSync')).toBe('7d');
    expect(() => connectorDefault('sync', 'cursor')).toThrow('sync.cursor has no default');
  });
});

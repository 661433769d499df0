import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openStore, type StoreConfig } from '../../engine/store/open.js';
import { SqliteStore } from '../../engine/store/sqlite/index.js';

const dir = mkdtempSync(join(tmpdir(), 'syncspec-open-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('opens an SQLite store, creating its folder', async () => {
  const path = join(dir, 'nested', 'deeper', 'syncspec.db');
  const store = await openStore({ type: 'sqlite', path });
  expect(store).toBeInstanceOf(SqliteStore);
  expect(existsSync(path)).toBe(true);
  await store.close();
});

it.each(['postgres', 'constructor'])('names the known types when given the unknown type %j', async (type) => {
  await expect(openStore({ type, path: 'x' } as unknown as StoreConfig)).rejects.toThrow(`Unknown database type "${type}"; known: sqlite`);
});

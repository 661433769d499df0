/** Opening the configured store, through a registry keyed by the config's `database.type`. */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SqliteStore } from './sqlite/index.js';
import type { Store } from './store.js';

const storeOpeners = {
  sqlite: async (config: { type: 'sqlite'; path: string }): Promise<Store> => {
    await mkdir(dirname(config.path), { recursive: true });
    return new SqliteStore(config.path);
  },
} satisfies Record<string, (config: never) => Promise<Store>>;

export type StoreType = keyof typeof storeOpeners;
/** The config of any registered store, e.g. `{ type: 'sqlite', path: './data/syncspec.db' }` (paths already resolved). */
export type StoreConfig = Parameters<(typeof storeOpeners)[StoreType]>[0];

export async function openStore(config: StoreConfig): Promise<Store> {
  if (!Object.hasOwn(storeOpeners, config.type)) {
    throw new Error(`Unknown database type ${JSON.stringify(config.type)}; known: ${Object.keys(storeOpeners).join(', ')}`);
  }
  const open = storeOpeners[config.type] as (config: StoreConfig) => Promise<Store>;
  return open(config);
}

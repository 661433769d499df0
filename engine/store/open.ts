/** Opening the configured store, through a registry keyed by the config's `database.type`. */
import type { Store } from './store.js';
import { openSqliteStore, type SqliteConfig } from './sqlite/open.js';
import { StoreError } from './errors.js';

const storeOpeners = {
  sqlite: async (config: SqliteConfig): Promise<Store> => openSqliteStore(config),
} satisfies Record<string, (config: never) => Promise<Store>>;

export type StoreType = keyof typeof storeOpeners;
/** The config of any registered store, e.g. `{ type: 'sqlite', path: './data/syncspec.db' }` (paths already resolved). */
export type StoreConfig = Parameters<(typeof storeOpeners)[StoreType]>[0];

export async function openStore(config: StoreConfig): Promise<Store> {
  if (!Object.hasOwn(storeOpeners, config.type)) {
    throw new StoreError('store-unknown-type', `Unknown database type ${JSON.stringify(config.type)}; known: ${Object.keys(storeOpeners).join(', ')}`);
  }
  const open = storeOpeners[config.type] as (config: StoreConfig) => Promise<Store>;
  return open(config);
}

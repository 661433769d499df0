/**
 * The main job (`npm run demo`): start the sandbox API on loopback, run every sync of
 * config.example.yaml against it into the embedded SQLite database, and show what landed.
 * A real sync over HTTP — nothing here is canned.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox } from './server.js';
import { openProject, runProject } from '../engine/project.js';
import { formatSummaries } from '../engine/cli/commands/run.js';
import { table } from '../engine/cli/format.js';

const root = resolve(fileURLToPath(import.meta.url), '../../..');

async function main(): Promise<void> {
  const configPath = process.argv[2] ?? resolve(root, 'config.example.yaml');
  const sandbox = await startSandbox({ seed: 42 });
  console.log(`sandbox API listening on ${sandbox.url}`);
  const opened = await openProject(configPath, { env: { ...process.env, SANDBOX_URL: sandbox.url } });
  try {
    console.log(`database: ${opened.project.storage.path}\n`);
    const summaries = await runProject(opened);
    console.log(formatSummaries(summaries));
    console.log('\nWhat landed:');
    const databases = new Map(opened.syncs.map((sync) => [sync.database.name, sync.database]));
    const counts: (string | number)[][] = [];
    for (const database of databases.values()) {
      counts.push([database.name, (await opened.store.readRows(database, { limit: 0 })).total]);
    }
    console.log(table(['database', 'rows'], counts));
    for (const database of databases.values()) {
      const { rows } = await opened.store.readRows(database, { limit: 3 });
      if (rows.length === 0) continue;
      const columns = database.properties.slice(0, 5).map((property) => property.name);
      console.log(`\n${database.name} (first 3 rows):`);
      console.log(table(columns, rows.map((row) => columns.map((column) => cell(row[column])))));
    }
    if (summaries.some((summary) => summary.status !== 'completed')) process.exitCode = 1;
  } finally {
    await opened.close();
    await sandbox.close();
  }
}

function cell(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});

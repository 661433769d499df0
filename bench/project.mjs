/**
 * A throwaway project for one benchmark scenario: the shipped sandbox CRM spec with the contacts
 * page size and maxChangesPerCommit of the scenario and an unthrottled pacer (the shipped 50
 * requests/s would measure the pacer, not the engine), in a new folder under `root` with a
 * fresh database.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

const SHIPPED_SPEC = fileURLToPath(new URL('../connectors/sandbox-crm.yaml', import.meta.url));

export function benchProject(root, { pageSize, maxChangesPerCommit }) {
  const dir = mkdtempSync(join(root, 'project-'));
  const spec = parse(readFileSync(SHIPPED_SPEC, 'utf8'));
  spec.definitions.paginators.stripeList.pageSize.value = pageSize;
  spec.syncs.contactsDelta.paginate.pageSize = pageSize;
  spec.pacers.sandbox.allowedRequests = 100_000;
  for (const sync of ['contactsBackfill', 'contactsDelta']) spec.syncs[sync].maxChangesPerCommit = maxChangesPerCommit;
  writeFileSync(join(dir, 'crm.yaml'), stringify(spec));
  const config = [
    'syncspec: 1',
    'database: { type: sqlite, path: ./data/bench.db }',
    'connectors:',
    '  crm:',
    '    spec: ./crm.yaml',
    '    vars: { baseUrl: { env: SANDBOX_URL } }',
    '    secrets: { apiToken: { env: SANDBOX_TOKEN } }',
  ];
  const configPath = join(dir, 'config.yaml');
  writeFileSync(configPath, `${config.join('\n')}\n`);
  return { dir, configPath };
}

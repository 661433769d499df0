import { it } from 'vitest';
import { harness } from '../support/project.js';
import { runProject } from '../../engine/project.js';

it('scratch', async () => {
  const h = await harness({ crm: { spec: 'connectors/sandbox-crm.yaml' } }, { counts: { contacts: 60, companies: 5, repos: 3, issuesPerRepo: 7 } });
  const p = await h.open();
  const t0 = Date.now();
  const s = await runProject(p);
  console.log(Date.now() - t0, JSON.stringify(s, null, 1));
  const db = p.syncs.find((x) => x.name === 'crm.contactsBackfill')!.database;
  const rows = await p.store.readRows(db, { limit: 2 });
  console.log(JSON.stringify(rows, null, 1));
  console.log(JSON.stringify(h.sandbox.source.list('contacts').slice(0, 2), null, 1));
  const cdb = p.syncs.find((x) => x.name === 'crm.companies')!.database;
  console.log(JSON.stringify((await p.store.readRows(cdb, { limit: 1 })), null, 1));
  console.log(JSON.stringify(await p.store.listCheckpoints(), null, 1));
  await h.close();
});

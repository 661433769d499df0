/**
 * `fullSync`: how often an incremental sync runs a full cycle (replace semantics) instead of a
 * delta, compiled into SyncDefinition.fullSyncEveryMs — weekly by default, any interval, or never.
 * Replace syncs have none: every cycle of theirs is full.
 */
import { describe, expect, it } from 'vitest';
import { loadSpec, projectAt, syncNamed, syncOf } from '../support/project.js';

describe('fullSync', () => {
  it('compiles to milliseconds: default 7 days, an interval, or null for off', async () => {
    const spec = loadSpec('connectors/sandbox-crm.yaml', (s) => {
      const delta = syncOf(s, 'contactsDelta');
      s.syncs = {
        ...(s.syncs as object),
        weekly: { ...delta },
        daily: { ...delta, fullSync: '24h' },
        halfHourly: { ...delta, fullSync: '30m' },
        often: { ...delta, fullSync: '45s' },
        never: { ...delta, fullSync: 'off' },
      };
    });
    // Not started: compiling needs no server.
    const project = await projectAt('http://127.0.0.1:9', { crm: { spec } });
    try {
      const opened = await project.open();
      const every = (sync: string) => syncNamed(opened, `crm.${sync}`).fullSyncEveryMs;
      expect(every('weekly')).toBe(7 * 24 * 3_600_000);
      expect(every('daily')).toBe(24 * 3_600_000);
      expect(every('halfHourly')).toBe(30 * 60_000);
      expect(every('often')).toBe(45_000);
      expect(every('never')).toBeNull();
      expect(every('contactsBackfill')).toBeUndefined();
    } finally {
      await project.close();
    }
  });
});

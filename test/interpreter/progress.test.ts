/**
 * Progress from a paginator that reads a total (`stop.total`): offset pagination counts records,
 * pageNumber pagination counts pages. Pages of 40 split into commits of 25 report what is committed,
 * and a resumed cycle reports where it really stands, not what it has read since it resumed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../engine/runtime/loop.js';
import { harness, loadSpec, runSync, syncOf, type Harness } from '../support/project.js';

const CONTACTS = 100;

const split = (path: string) => loadSpec(path, (spec) => {
  syncOf(spec, 'contacts').maxChangesPerCommit = 25;
});

/** The progress of each commit of one run of `sync`. */
async function progressOf(h: Harness, sync: string, onCommit: (commits: number) => void = () => undefined) {
  const opened = await h.open();
  const progress: ({ done: number; total: number } | null)[] = [];
  const summary = await runSync(opened, sync, {
    onEvent: (event: RunEvent) => {
      if (event.type !== 'commit') return;
      progress.push(event.progress);
      onCommit(progress.length);
    },
  });
  const run = await opened.store.getRun(summary.runId!);
  return { summary, progress, percent: run!.progress };
}

describe('progress from stop.total', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('offset: records committed of the total, across split pages', async () => {
    h = await harness({ jira: { spec: split('connectors/examples/offset.yaml') } }, { counts: { contacts: CONTACTS }, clean: true });
    const { summary, progress, percent } = await progressOf(h, 'jira.contacts');
    expect(summary).toMatchObject({ status: 'completed', upserted: CONTACTS, requests: 3 });
    expect(progress).toEqual([25, 40, 65, 80, 100].map((done) => ({ done, total: CONTACTS })));
    expect(percent).toBe(100);
  });

  it('offset: a resumed cycle starts from where it stands', async () => {
    h = await harness({ jira: { spec: split('connectors/examples/offset.yaml') } }, { counts: { contacts: CONTACTS }, clean: true });
    const { sandbox } = h;
    const failed = await progressOf(h, 'jira.contacts', (commits) => {
      if (commits === 2) sandbox.source.faults.failNext({ status: 404, pathPrefix: '/v1/jira/contacts' });
    });
    expect(failed.summary.status).toBe('failed');
    expect(failed.progress).toEqual([{ done: 25, total: CONTACTS }, { done: 40, total: CONTACTS }]);
    expect(failed.percent).toBe(40);
    const resumed = await progressOf(h, 'jira.contacts');
    expect(resumed.summary).toMatchObject({ status: 'completed', upserted: 60 });
    expect(resumed.progress).toEqual([65, 80, 100].map((done) => ({ done, total: CONTACTS })));
  });

  it('pageNumber: pages fully committed of the total pages', async () => {
    h = await harness({ paged: { spec: split('connectors/examples/page-number.yaml') } }, { counts: { contacts: CONTACTS }, clean: true });
    const { summary, progress, percent } = await progressOf(h, 'paged.contacts');
    expect(summary).toMatchObject({ status: 'completed', upserted: CONTACTS, requests: 3 });
    expect(progress).toEqual([0, 1, 1, 2, 3].map((done) => ({ done, total: 3 })));
    expect(percent).toBe(100);
  });

  it('no total, no progress', async () => {
    h = await harness({ crm: { spec: 'connectors/examples/token-body.yaml' } }, { counts: { contacts: 30 }, clean: true });
    const { summary, progress, percent } = await progressOf(h, 'crm.contacts');
    expect(summary.status).toBe('completed');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((item) => item === null)).toBe(true);
    expect(percent).toBeNull();
  });
});

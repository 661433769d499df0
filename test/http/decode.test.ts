/**
 * Bodies are decoded by the charset they declare, strictly, through `syncspec run`: ISO-8859-1 text
 * arrives as the characters it says, and bytes that are not valid in the declared (or default UTF-8)
 * encoding fail the page rather than reaching a row as U+FFFD.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { openProject } from '../../engine/project.js';
import { useServers } from '../support/http-server.js';
import { removeScratchDirs } from '../support/cli.js';
import { apiProject, itemsSpec, type ApiProject } from '../support/api-project.js';

afterAll(removeScratchDirs);
const serve = useServers();

function answering(body: Buffer, contentType: string) {
  return serve((_req, res) => {
    res.writeHead(200, { 'content-type': contentType, 'content-length': String(body.length) });
    res.end(body);
  });
}

async function names(project: ApiProject): Promise<unknown[]> {
  const opened = await openProject(project.config, { env: project.env });
  try {
    const { rows } = await opened.store.readRows(opened.syncs[0].database);
    return rows.map((row) => row.Name);
  } finally {
    await opened.close();
  }
}

describe('charsets', () => {
  test('UTF-8 with a byte order mark is read as if it had none', async () => {
    const api = await answering(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"data":[{"id":"1","name":"Zoë"}]}')]), 'application/json');
    const project = apiProject(api.url, itemsSpec());
    const result = await project.cli('run', project.config);
    expect(result.code, result.stdout).toBe(0);
    expect(await names(project)).toEqual(['Zoë']);
  });

  test('a declared charset=iso-8859-1 is decoded as such', async () => {
    const api = await answering(Buffer.from('{"data":[{"id":"1","name":"Café Müller"}]}', 'latin1'), 'application/json; charset=ISO-8859-1');
    const project = apiProject(api.url, itemsSpec());
    const result = await project.cli('run', project.config);
    expect(result.code, result.stdout).toBe(0);
    expect(await names(project)).toEqual(['Café Müller']);
  });

  test('UTF-8 (the default) with a byte order mark reads as UTF-8', async () => {
    const api = await answering(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"data":[{"id":"1","name":"naïve ☃"}]}')]), 'application/json');
    const project = apiProject(api.url, itemsSpec());
    expect((await project.cli('run', project.config)).code).toBe(0);
    expect(await names(project)).toEqual(['naïve ☃']);
  });

  test('bytes that are not UTF-8, with no charset declared, fail the page and store nothing', async () => {
    const api = await answering(Buffer.from('{"data":[{"id":"1","name":"Caf\xe9"}]}', 'latin1'), 'application/json');
    const project = apiProject(api.url, itemsSpec());
    const result = await project.cli('run', project.config);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`GET ${api.url}/items: the response is not valid utf-8 (at byte 30); declare its charset in Content-Type if it is another encoding`);
    expect(await names(project)).toEqual([]);
  });

  test('an unknown charset is named', async () => {
    const api = await answering(Buffer.from('{"data":[]}'), 'application/json; charset=klingon');
    const project = apiProject(api.url, itemsSpec());
    const result = await project.cli('run', project.config);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('the response declares charset=klingon, which is not a known character encoding');
  });
});

/**
 * Response bodies are bounded (api.maxResponseBytes, 64 MiB by default), through `syncspec run`: an
 * endless body, one whose content-length is too large, and a gzip bomb each fail their request with a
 * clear error long before memory fills — and the run finishing at all is the proof that nothing waited
 * for the end of an endless body.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import { useServers } from '../support/http-server.js';
import { removeScratchDirs } from '../support/cli.js';
import { apiProject, itemsSpec } from '../support/api-project.js';

afterAll(removeScratchDirs);
const serve = useServers();
const MIB = 2 ** 20;

describe('api.maxResponseBytes', () => {
  test('an endless body fails its request once it passes the limit', async () => {
    let written = 0;
    const api = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, ' ');
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) written += chunk.length;
      };
      res.on('drain', pump);
      res.on('close', () => res.off('drain', pump));
      pump();
    });
    const { config, cli } = apiProject(api.url, itemsSpec({ maxResponseBytes: MIB }));
    const result = await cli('run', config);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`GET ${api.url}/items: the response body is larger than api.maxResponseBytes (1 MiB)`);
    // It stopped reading: the server could not write much more than the limit (plus socket buffers).
    expect(written).toBeLessThan(64 * MIB);
  });

  test('a declared content-length over the limit fails before the body is read', async () => {
    const api = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(10 * 2 ** 30) });
      res.write('{"data": [');
    });
    const { config, cli } = apiProject(api.url, itemsSpec({ maxResponseBytes: MIB }));
    const result = await cli('run', config);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('the response body is larger than api.maxResponseBytes (1 MiB): content-length 10737418240');
  });

  test('a gzip bomb is measured after decompression', async () => {
    const bomb = gzipSync(Buffer.alloc(32 * MIB, ' '));
    expect(bomb.length).toBeLessThan(MIB);
    const api = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(bomb.length) });
      res.end(bomb);
    });
    const { config, cli } = apiProject(api.url, itemsSpec({ maxResponseBytes: MIB }));
    const result = await cli('run', config);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('the response body is larger than api.maxResponseBytes (1 MiB)');
  });

  test('a body within the limit is read whole', async () => {
    const body = JSON.stringify({ data: Array.from({ length: 2000 }, (_, i) => ({ id: `item-${i}`, name: 'x'.repeat(200) })) });
    const api = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
    expect(body.length).toBeGreaterThan(256 * 1024);
    const { config, cli } = apiProject(api.url, itemsSpec({ maxResponseBytes: MIB }));
    const result = await cli('run', config, '--json');
    expect(result.code, result.stdout).toBe(0);
    expect(JSON.parse(result.stdout)[0].upserted).toBe(2000);
  });
});

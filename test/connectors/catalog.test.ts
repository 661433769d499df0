/**
 * Every connector of the catalog (connectors/catalog/NAME.yaml) validates, ships fixtures in its
 * vendor's response shape (connectors/catalog/fixtures/NAME: at least a backfill and a delta cycle),
 * and replays them with `syncspec test` to the snapshots — offline, with no secret set. The secrets its
 * recording ran with appear in no fixture file.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { ROOT } from '../support/project.js';

const CATALOG = join(ROOT, 'connectors/catalog');
const connectors = readdirSync(CATALOG).filter((file) => file.endsWith('.yaml')).map((file) => file.slice(0, -'.yaml'.length)).sort();

describe('the connector catalog', () => {
  it('holds the connectors the README lists', () => {
    expect(connectors.length).toBeGreaterThanOrEqual(1);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const name of connectors) expect(readme, `README lists connectors/catalog/${name}.yaml`).toContain(`connectors/catalog/${name}.yaml`);
  });

  describe.each(connectors)('%s', (name) => {
    const spec = join(CATALOG, `${name}.yaml`);
    const fixtures = join(CATALOG, 'fixtures', name);

    it('validates, and names the vendor documentation it follows', async () => {
      const result = await runCli(['validate', spec], { env: process.env });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const text = readFileSync(spec, 'utf8');
      expect(text.startsWith('# yaml-language-server: $schema=../../schemas/connector.schema.json\n')).toBe(true);
      expect(text).toMatch(/^# .*https:\/\//m);
    });

    it('replays its recorded cycles offline to the snapshots', async () => {
      const recordings = readdirSync(fixtures).filter((file) => /^cycle-\d+\.har$/.test(file));
      expect(recordings.length).toBeGreaterThanOrEqual(2);
      const result = await runCli(['test', spec, '--fixtures', fixtures], { env: process.env });
      expect(result.stderr).toBe('');
      expect(result.stdout).toContain(`ok: ${recordings.length} cycles replayed, every snapshot matched`);
      expect(result.code).toBe(0);
    });

    it('keeps the secrets of its recording out of every fixture file', async () => {
      const vendor = join(fixtures, 'vendor.mjs');
      expect(existsSync(vendor)).toBe(true);
      const standIn = (await import(pathToFileURL(vendor).href)).default();
      const secrets = Object.values(standIn.environment as Record<string, string>);
      expect(secrets.length).toBeGreaterThan(0);
      for (const file of readdirSync(fixtures).filter((entry) => entry !== 'vendor.mjs')) {
        const text = readFileSync(join(fixtures, file), 'utf8');
        for (const secret of secrets) {
          for (const form of [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')]) expect(text, `${file}`).not.toContain(form);
        }
      }
    });
  });
});

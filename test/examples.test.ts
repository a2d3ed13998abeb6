import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../src/app/catalog.js';
import { loadConfiguration } from '../src/config/load.js';
import { parseInstant } from '../src/config/dates.js';
import { formatDiagnostic } from '../src/core/diagnostic.js';

const examples = fileURLToPath(new URL('../examples/', import.meta.url));
const directories = existsSync(examples)
  ? readdirSync(examples, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort()
  : [];

describe('examples/', () => {
  it('has the quickstart and lifecycle examples', () => {
    expect(directories).toEqual(expect.arrayContaining(['quickstart', 'lifecycle']));
  });

  it.each(directories)('%s validates without any diagnostic', async (name) => {
    const { configuration, diagnostics } = await loadConfiguration(name, { cwd: examples, catalog: CATALOG });
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(configuration.documents.length).toBeGreaterThan(0);
    for (const document of configuration.documents) {
      for (const field of ['deprecation_at', 'obsolescence_at']) {
        const value = document.spec[field];
        if (typeof value === 'string') expect(parseInstant(value)!).toBeGreaterThanOrEqual(Date.UTC(2035, 0, 1));
      }
    }
  });

  it.each(directories)('%s has a README', (name) => {
    expect(readFileSync(`${examples}${name}/README.md`, 'utf8').length).toBeGreaterThan(100);
  });

  it('quickstart: two images, one with a scheduled deprecation, one export job', async () => {
    const { configuration } = await loadConfiguration('quickstart', { cwd: examples, catalog: CATALOG });
    const kinds = configuration.documents.map((d) => d.kind);
    expect(kinds.filter((k) => k === 'image')).toHaveLength(2);
    expect(kinds.filter((k) => k === 'image_export_job')).toHaveLength(1);
    expect(configuration.documents.filter((d) => typeof d.spec.deprecation_at === 'string')).toHaveLength(1);
  });

  it('lifecycle: scheduled dates, a null revert, an immediate deprecate and obsolete', async () => {
    const { configuration } = await loadConfiguration('lifecycle', { cwd: examples, catalog: CATALOG });
    const docs = configuration.documents;
    expect(
      docs.some((d) => typeof d.spec.obsolescence_at === 'string' && typeof d.spec.deprecation_at === 'string'),
    ).toBe(true);
    expect(docs.some((d) => d.spec.deprecation_at === null)).toBe(true);
    expect(docs.some((d) => d.kind === 'image_deprecate')).toBe(true);
    expect(docs.some((d) => d.kind === 'image_obsolete')).toBe(true);
  });
});

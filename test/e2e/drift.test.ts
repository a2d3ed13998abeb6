import { readFile, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stateAttributes } from '../../src/clouds/ibm-vpc/kinds/image.js';
import {
  applyOk,
  cloudDate,
  imageByName,
  imageDoc,
  readState,
  runCli,
  succeeded,
  until,
  useCloud,
  type Cloud,
} from '../helpers/e2e.js';
import { waitFor } from '../helpers/wait.js';

/** GitHub's cap on one pull-request comment. */
const COMMENT_CAP = 65_535;

interface MarkdownTable {
  header: string[];
  rows: string[][];
}

/** Cells of one table line, split on pipes that are not escaped (GitHub's rule, code spans included). */
function tableCells(line: string): string[] {
  const inner = line
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '');
  return inner.split(/(?<!\\)\|/).map((cell) => cell.trim());
}

/**
 * Every GitHub-flavoured table in the text, checked as it is parsed: a header, a delimiter row of the same width,
 * and body rows of that width too (GitHub would silently pad or drop cells, hiding a broken row).
 */
function markdownTables(text: string): MarkdownTable[] {
  const lines = text.split('\n');
  const tables: MarkdownTable[] = [];
  for (let index = 0; index < lines.length; index++) {
    if (!lines[index]!.startsWith('|')) continue;
    expect(lines[index - 1], `blank line before the table on line ${index + 1}`).toBe('');
    const header = tableCells(lines[index]!);
    const delimiter = tableCells(lines[index + 1] ?? '');
    expect(delimiter, `delimiter row after line ${index + 1}`).toHaveLength(header.length);
    for (const cell of delimiter) expect(cell).toMatch(/^:?-{3,}:?$/);
    const rows: string[][] = [];
    for (index += 2; index < lines.length && lines[index]!.startsWith('|'); index++) {
      const row = tableCells(lines[index]!);
      expect(row, `cells on line ${index + 1}: ${lines[index]}`).toHaveLength(header.length);
      rows.push(row);
    }
    expect(rows.length, 'a table with no rows').toBeGreaterThan(0);
    tables.push({ header, rows });
  }
  return tables;
}

const { cloud, space } = useCloud();

async function appliedWorkspace(target: Cloud, names: string[], extra: string[] = []): Promise<string> {
  const dir = await space({ 'images.yaml': names.map((name) => imageDoc(name)).join('---\n') }, { via: target });
  await applyOk(dir, target, ['--auto-approve', ...extra]);
  return dir;
}

async function renameInCloud(target: Cloud, from: string, to: string): Promise<void> {
  const image = await imageByName(target, from);
  const reply = await target.api('PATCH', `/images/${image.id}`, { name: to });
  expect(reply.status).toBe(200);
}

const drift = (dir: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) =>
  runCli(['drift', ...args], { cwd: dir, cloud, env });

describe('drift against the emulator', () => {
  it('exits 0 right after apply, in every format', async () => {
    const dir = await appliedWorkspace(cloud, ['clean-web', 'clean-db']);
    const text = await drift(dir);
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('No drift');

    const json = await drift(dir, ['--format', 'json']);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.drift).toEqual([]);
    expect(report.changes).toEqual([]);

    const markdown = await drift(dir, ['--format', 'markdown']);
    expect(markdown.code).toBe(0);
    expect(markdown.stdout).toContain('No drift');
    expect(markdownTables(markdown.stdout)).toEqual([]);
  });

  it('reports a rename and a deletion made through the API, with exit 2, in text, JSON and markdown', async () => {
    const dir = await appliedWorkspace(cloud, ['hand-web', 'hand-db', 'hand-cache']);
    const deleted = await imageByName(cloud, 'hand-db');
    await renameInCloud(cloud, 'hand-web', 'hand-web-by-hand');
    expect((await cloud.api('DELETE', `/images/${deleted.id}`)).status).toBe(202);
    // The emulator removes the image after a short "deleting" phase; drift must not depend on catching it mid-way.
    await waitFor(async () => (await cloud.api('GET', `/images/${deleted.id}`)).status === 404, {
      what: 'the deleted image to be gone',
    });

    const text = await drift(dir);
    expect(text.stderr).toBe('');
    expect(text.code).toBe(2);
    expect(text.stdout).toContain('image.hand-web was changed outside imageform');
    expect(text.stdout).toContain('name: "hand-web" -> "hand-web-by-hand"');
    expect(text.stdout).toContain('image.hand-db could no longer be read');
    // No proof of deletion: a 404 may be a permission or a catalog hold.
    expect(text.stdout).not.toMatch(/deleted/i);
    expect(text.stdout).not.toContain('hand-cache');
    expect(text.stdout).not.toContain('\x1b');
    expect(text.stdout).toContain('Drift: 2 resources changed outside imageform; 2 resources differ from the files.');

    const json = await drift(dir, ['--format', 'json']);
    expect(json.code).toBe(2);
    const report = JSON.parse(json.stdout);
    expect(report.format_version).toBe('1');
    expect(report.drift).toEqual(
      expect.arrayContaining([
        {
          address: 'image.hand-web',
          fields: [expect.objectContaining({ path: 'name', before: 'hand-web', after: 'hand-web-by-hand' })],
        },
        expect.objectContaining({ address: 'image.hand-db', gone: true }),
      ]),
    );
    expect(report.drift).toHaveLength(2);
    const actions = Object.fromEntries(report.changes.map((change: any) => [change.address, change.action]));
    expect(actions).toEqual({ 'image.hand-web': 'update', 'image.hand-db': 'create' });

    const summaryFile = join(dir, 'step-summary.md');
    await writeFile(summaryFile, '# earlier step\n');
    const markdown = await drift(dir, ['--format', 'markdown'], { GITHUB_STEP_SUMMARY: summaryFile });
    expect(markdown.code).toBe(2);
    expect(markdown.stdout.length).toBeLessThanOrEqual(COMMENT_CAP);
    const tables = markdownTables(markdown.stdout);
    expect(tables.length).toBeGreaterThanOrEqual(1);
    const cells = tables.flatMap((table) => table.rows.flat()).join(' ');
    expect(cells).toContain('`image.hand-web`');
    expect(cells).toContain('`"hand-web-by-hand"`');
    expect(cells).toContain('`image.hand-db`');
    expect(cells).not.toContain('hand-cache');
    // The image to create again lists the values it will get, not changes from null.
    expect(cells).toContain('`name`: `"hand-db"`');
    expect(cells).not.toContain('`null` →');
    // The step summary gets the same markdown, after what earlier steps wrote.
    const summary = await readFile(summaryFile, 'utf8');
    expect(summary.startsWith('# earlier step\n')).toBe(true);
    expect(summary).toContain(markdown.stdout.trim());

    // Nothing was changed by looking: the cloud still has the hand-made name and state still the applied one.
    expect(await imageByName(cloud, 'hand-web-by-hand')).toBeDefined();
    expect((await readState(dir)).resources['image.hand-web'].attributes.name).toBe('hand-web');

    // apply puts things back, and drift is clean again.
    const applied = await runCli(['apply', '--auto-approve'], { cwd: dir, cloud });
    expect(applied.code).toBe(0);
    const after = await drift(dir);
    expect(after.code).toBe(0);
    expect(after.stdout).toContain('No drift');
  });

  it("--baseline accepts today's drift, then drift exits 0 until something new drifts", async () => {
    const dir = await appliedWorkspace(cloud, ['base-web', 'base-db']);
    await renameInCloud(cloud, 'base-web', 'base-web-by-hand');
    expect((await drift(dir)).code).toBe(2);

    const baseline = await drift(dir, ['--baseline']);
    expect(baseline.stderr).toBe('');
    expect(baseline.code).toBe(0);
    expect(baseline.stdout).toContain('.imageform-driftignore');
    const rules = await readFile(join(dir, '.imageform-driftignore'), 'utf8');
    expect(rules).toMatch(/^image\.base-web\s+name\s+# reason: \S.*$/m);
    expect(rules).not.toContain('base-db');

    const clean = await drift(dir);
    expect(clean.stderr).toBe('');
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('No drift');
    expect(clean.stdout).toMatch(/2 drifted fields are accepted by \.imageform-driftignore/);
    const json = JSON.parse((await drift(dir, ['--format', 'json'])).stdout);
    expect(json.drift).toEqual([]);
    expect(json.changes).toEqual([]);

    await renameInCloud(cloud, 'base-db', 'base-db-by-hand');
    const fresh = await drift(dir, ['--format', 'json']);
    expect(fresh.code).toBe(2);
    expect(JSON.parse(fresh.stdout).drift.map((entry: any) => entry.address)).toEqual(['image.base-db']);
  });

  it('rejects a broken ignore file with file:line:col and changes nothing', async () => {
    const dir = await appliedWorkspace(cloud, ['rules-web']);
    await writeFile(join(dir, '.imageform-driftignore'), 'image.rules-web  name\n');
    const result = await drift(dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^(error: )?\.imageform-driftignore:1:\d+: .*reason/m);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('an ignore rule with an expiry', () => {
  // Its own cloud: this test moves the clock.
  const { cloud: clockCloud } = useCloud();

  it('silences its field until the date passes, then says it expired', async () => {
    const dir = await appliedWorkspace(clockCloud, ['expiry-web']);
    await renameInCloud(clockCloud, 'expiry-web', 'expiry-web-by-hand');
    const until = (await cloudDate(clockCloud, 2)).slice(0, 10);
    await writeFile(
      join(dir, '.imageform-driftignore'),
      `image.expiry-web  name  until=${until}  # reason: ops renamed it during the migration\n`,
    );
    const run = () => runCli(['drift'], { cwd: dir, cloud: clockCloud });

    const silenced = await run();
    expect(silenced.stderr).toBe('');
    expect(silenced.code).toBe(0);
    expect(silenced.stdout).toContain('No drift');

    // Still within the last day of the rule: the expiry date is inclusive.
    await clockCloud.advanceClock(2 * 86_400);
    expect((await run()).code).toBe(0);

    await clockCloud.advanceClock(86_400);
    const expired = await run();
    expect(expired.code).toBe(2);
    expect(expired.stdout).toContain('name: "expiry-web" -> "expiry-web-by-hand"');
    expect(expired.stderr).toContain(
      `.imageform-driftignore:1:1: ignore rule "image.expiry-web name" expired (until=${until})`,
    );
    expect(expired.stderr).toContain('ops renamed it during the migration');

    // The markdown report (for an issue or the job summary) says so too.
    const markdown = await runCli(['drift', '--format', 'markdown'], { cwd: dir, cloud: clockCloud });
    expect(markdown.code).toBe(2);
    expect(markdown.stdout).toContain(
      `> **Warning:** .imageform-driftignore:1:1: ignore rule "image.expiry-web name" expired (until=${until})`,
    );
    markdownTables(markdown.stdout);
  });
});

describe('drift on 2,000 images', () => {
  const { cloud: bigCloud } = useCloud({ timeScale: 0 });

  /**
   * 2,000 images made through the API and adopted into state as `imageform import` records them (the cloud object
   * plus the write-only file input), pushed with `imageform state push`: an apply that creates 2,000 images takes
   * minutes, and this test is about the report, not the apply.
   */
  async function adoptedFleet(names: string[]): Promise<string> {
    const file = (name: string) => `cos://us-south/e2e/${name}.qcow2`;
    await inBatches(names, async (name) => {
      const reply = await bigCloud.api('POST', '/images', {
        name,
        file: { href: file(name) },
        operating_system: { name: 'ubuntu-24-04-amd64' },
      });
      expect(reply.status).toBe(201);
    });
    const images = await until(async () => {
      const fleet = (await bigCloud.images()).filter((image) => image.name.startsWith('fleet-'));
      return fleet.length === names.length && fleet.every((image) => image.status === 'available') && fleet;
    }, 'the fleet to become available');
    const resources = Object.fromEntries(
      images.map((image) => [
        `image.${image.name}`,
        {
          kind: 'image',
          id: image.id,
          attributes: stateAttributes(image, { file: file(image.name) }),
          dependencies: [],
          lifecycle: { prevent_destroy: false, deletion_policy: 'delete' },
        },
      ]),
    );
    const dir = await space({ 'images.yaml': names.map((name) => imageDoc(name)).join('---\n') }, { via: bigCloud });
    await writeFile(
      join(dir, 'fleet-state.json'),
      JSON.stringify({ version: 1, lineage: randomUUID(), serial: 1, resources }),
    );
    succeeded(await runCli(['state', 'push', 'fleet-state.json'], { cwd: dir, cloud: bigCloud }));
    return dir;
  }

  it('still fits one pull-request comment, as a valid table', async () => {
    const names = Array.from({ length: 2_000 }, (_, index) => `fleet-${String(index).padStart(4, '0')}`);
    const dir = await adoptedFleet(names);
    const run = (format: string) => runCli(['drift', '--format', format], { cwd: dir, cloud: bigCloud });
    // The adopted state matches the cloud: nothing drifted yet.
    expect((await run('json')).code).toBe(0);

    const images = (await bigCloud.images()).filter((image) => image.name.startsWith('fleet-'));
    await inBatches(images, async (image) => {
      const reply = await bigCloud.api('PATCH', `/images/${image.id}`, { name: `${image.name}-by-hand` });
      expect(reply.status).toBe(200);
    });

    const markdown = await run('markdown');
    expect(markdown.stderr).toBe('');
    expect(markdown.code).toBe(2);
    expect(markdown.stdout.length).toBeLessThanOrEqual(COMMENT_CAP);
    expect(markdown.stdout).toContain('**2000 resources** changed outside imageform');
    const tables = markdownTables(markdown.stdout);
    expect(tables).toHaveLength(2);
    // Every name differs, so no two rows group: what does not fit is counted, and the counts add up.
    for (const table of tables) {
      const shown = table.rows.reduce((sum, row) => sum + Number(row.at(-1)), 0);
      expect(shown).toBeGreaterThan(50);
      expect(shown).toBeLessThan(2_000);
    }
    const omitted = [...markdown.stdout.matchAll(/…and (\d+) more rows? \((\d+) resources\) not shown/g)].map((match) =>
      Number(match[2]),
    );
    expect(omitted).toHaveLength(2);
    tables.forEach((table, index) => {
      expect(table.rows.reduce((sum, row) => sum + Number(row.at(-1)), 0) + omitted[index]!).toBe(2_000);
    });

    const json = await run('json');
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout).drift).toHaveLength(2_000);
  });
});

async function inBatches<T>(items: readonly T[], work: (item: T) => Promise<void>, size = 100): Promise<void> {
  for (let start = 0; start < items.length; start += size)
    await Promise.all(items.slice(start, start + size).map(work));
}

import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO, removeDir } from '../helpers/e2e.js';

/**
 * What `npm pack` ships: the files npm itself lists for the tarball (a dry run, no build: `npm test` built dist/).
 * scripts/packed-quickstart.sh, run by .ci/run, installs the real tarball into an empty project and runs the
 * quickstart from it.
 */
const run = promisify(execFile);

describe('the npm package', () => {
  let files: string[];
  beforeAll(async () => {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO });
    files = (JSON.parse(stdout) as { files: { path: string }[] }[])[0]!.files.map((file) => file.path);
  });

  it('carries the Apache-2.0 license that package.json names', async () => {
    const manifest = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as { license: string };
    expect(manifest.license).toBe('Apache-2.0');
    expect(files).toContain('LICENSE');
    const license = await readFile(join(REPO, 'LICENSE'), 'utf8');
    expect(license).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/);
    expect(license).toContain('TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION');
    expect(license).toContain('END OF TERMS AND CONDITIONS');
  });

  it('ships no source maps, and no JavaScript refers to one (src/ is not in the package)', async () => {
    expect(files.filter((file) => file.endsWith('.map'))).toEqual([]);
    const scripts = files.filter((file) => file.endsWith('.js'));
    expect(scripts).toContain('dist/cli/main.js');
    for (const file of scripts)
      expect(await readFile(join(REPO, file), 'utf8'), file).not.toContain('sourceMappingURL');
    expect(files.filter((file) => file.startsWith('src/') && !file.endsWith('.md'))).toEqual([]);
  });

  it('every relative link in its markdown points at a file it ships', async () => {
    const shipped = new Set(files);
    const isShipped = (path: string) =>
      shipped.has(path) || files.some((file) => file.startsWith(`${path.replace(/\/$/, '')}/`));
    const documents = files.filter((file) => file.endsWith('.md'));
    expect(documents).toContain('README.md');
    const broken: string[] = [];
    for (const document of documents) {
      const text = await readFile(join(REPO, document), 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:|^#/.test(target!)) continue;
        const path = normalize(join(dirname(document), target!.split('#')[0]!));
        if (!isShipped(path)) broken.push(`${document} -> ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('--version prints the version in package.json', async () => {
    // A copy of the installed layout with another version: the number must come from package.json, not the code.
    const dir = await mkdtemp(join(tmpdir(), 'imageform-version-'));
    try {
      for (const part of ['bin', 'dist']) await cp(join(REPO, part), join(dir, part), { recursive: true });
      const manifest = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as Record<string, unknown>;
      await writeFile(join(dir, 'package.json'), JSON.stringify({ ...manifest, version: '7.8.9-test.1' }));
      await symlink(join(REPO, 'node_modules'), join(dir, 'node_modules'));
      const { stdout } = await run(process.execPath, [join(dir, 'bin', 'imageform.js'), '--version'], { cwd: dir });
      expect(stdout).toBe('imageform 7.8.9-test.1\n');
    } finally {
      await removeDir(dir);
    }
  });
});

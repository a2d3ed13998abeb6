import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCloud, uniqueName, type TestCloud } from './cloud-client.js';

let cloud: TestCloud;
beforeAll(async () => {
  cloud = await startCloud();
});
afterAll(() => cloud.stop());

/** Every operating system's name, following the pages as a client would. */
async function allNames(): Promise<string[]> {
  const names: string[] = [];
  let start: string | undefined;
  for (;;) {
    const page = await cloud.api('GET', '/operating_systems', undefined, {
      query: { limit: '10', ...(start ? { start } : {}) },
    });
    expect(page.status).toBe(200);
    names.push(...page.body.operating_systems.map((system: { name: string }) => system.name));
    const next: string | undefined = page.body.next?.href;
    if (!next) return names;
    start = new URL(next).searchParams.get('start')!;
  }
}

describe('operating-system catalogue', () => {
  it("imports an image with debian-9-amd64, as IBM's VPC SDK integration test does", async () => {
    const created = await cloud.api('POST', '/images', {
      name: uniqueName('sdk-debian9'),
      file: { href: 'cos://us-south/my-bucket/my-image.qcow2' },
      operating_system: { name: 'debian-9-amd64' },
    });
    expect(created.status).toBe(201);
    expect(created.body.operating_system).toMatchObject({
      name: 'debian-9-amd64',
      architecture: 'amd64',
      family: 'Debian GNU/Linux',
      version: '9.x Stretch/Stable - Minimal Install',
    });
    await cloud.advance(2);
    expect((await cloud.api('GET', `/images/${created.body.id}`)).body.status).toBe('available');
  });

  it('lists the older systems existing images still name, sorted by name across pages', async () => {
    const names = await allNames();
    const older = [
      'centos-7-amd64',
      'centos-8-amd64',
      'debian-9-amd64',
      'debian-10-amd64',
      'red-7-amd64',
      'red-8-amd64',
      'rocky-linux-8-amd64',
      'sles-12-amd64',
      'ubuntu-16-04-amd64',
      'ubuntu-18-04-amd64',
      'ubuntu-20-04-amd64',
      'windows-2012-amd64',
      'windows-2012-r2-amd64',
      'windows-2016-amd64',
      'windows-2019-amd64',
    ];
    for (const name of older) expect(names).toContain(name);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(new Set(names).size).toBe(names.length);
    const rhel7 = await cloud.api('GET', '/operating_systems/red-7-amd64');
    expect(rhel7.body).toMatchObject({
      family: 'Red Hat Enterprise Linux',
      vendor: 'Red Hat',
      version: '7.x - Minimal Install',
    });
    expect((await cloud.api('GET', '/operating_systems/windows-2016-amd64')).body.display_name).toBe(
      'Windows Server 2016 Standard Edition (amd64)',
    );
  });
});

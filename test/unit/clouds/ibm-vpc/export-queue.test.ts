import { describe, expect, it } from 'vitest';
import type { CloudExportJob, IbmVpcClient } from '../../../../src/clouds/ibm-vpc/api-types.js';
import { queueExports } from '../../../../src/clouds/ibm-vpc/export-queue.js';
import { emptySnapshot } from '../../../../src/clouds/ibm-vpc/snapshot.js';

function job(id: string, status: string): CloudExportJob {
  return {
    id,
    href: `https://vpc.example/v1/images/img-a/export_jobs/${id}`,
    name: id,
    status,
    status_reasons: [],
    format: 'qcow2',
    created_at: '2026-12-02T00:00:00Z',
    storage_bucket: { name: 'exports', crn: 'crn:v1:bucket:exports' },
    storage_href: `cos://us-south/exports/${id}.qcow2`,
    storage_object: { name: `${id}.qcow2` },
  };
}

/** A cloud of one image with five active export jobs: the per-image limit is full. */
function fullImage() {
  const jobs = ['j1', 'j2', 'j3', 'j4', 'j5'].map((id) => job(id, 'running'));
  const snapshot = emptySnapshot(new Date('2026-12-02T00:00:00Z'));
  snapshot.exportJobs.set('img-a', jobs);
  const created: string[] = [];
  const cloud = {
    listExportJobs: async () => jobs.map((each) => ({ ...each })),
    getExportJob: async (_image: string, id: string) => jobs.find((each) => each.id === id),
    createExportJob: async (_image: string, prototype: { name?: string }) => {
      created.push(prototype.name!);
      return job(prototype.name!, 'queued');
    },
  } as unknown as IbmVpcClient;
  return { jobs, client: queueExports(cloud, snapshot), created };
}

describe('export queue', () => {
  it('waits for room through the caller’s idle (no slot held) and takes the place before it returns', async () => {
    const { jobs, client, created } = fullImage();
    const idled: string[] = [];
    const idle = async <T>(wait: () => Promise<T>): Promise<T> => {
      idled.push('start');
      const value = await wait();
      idled.push('end');
      return value;
    };
    const first = client.createExportJob(
      'img-a',
      { name: 'j6', storage_bucket: { name: 'exports' }, format: 'qcow2' },
      { idle },
    );
    await Promise.resolve();
    // No room: the create waits, inside idle, and nothing was sent.
    expect(idled).toEqual(['start']);
    expect(created).toEqual([]);

    // A read shows one job finished: its place goes to the waiting create, which only then leaves idle and sends.
    jobs[0]!.status = 'succeeded';
    await client.listExportJobs('img-a');
    await first;
    expect(idled).toEqual(['start', 'end']);
    expect(created).toEqual(['j6']);
  });

  it('does not wait, nor call idle, when there is room', async () => {
    const { jobs, client, created } = fullImage();
    jobs[0]!.status = 'failed';
    await client.listExportJobs('img-a');
    let idled = 0;
    await client.createExportJob(
      'img-a',
      { name: 'j6', storage_bucket: { name: 'exports' }, format: 'qcow2' },
      {
        idle: (wait) => {
          idled++;
          return wait();
        },
      },
    );
    expect(idled).toBe(0);
    expect(created).toEqual(['j6']);
  });
});

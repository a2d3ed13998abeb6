/**
 * The slot-holding model (Terraform's way): `parallelism` workers; each takes the next image, POSTs it and keeps
 * its slot until that image is available, reading it with GET /images/{id} after growing pauses (imageform's own
 * backoff before issue 12: 200 ms, × 1.5 each time, at most 2 s). One POST per image under its final name: no
 * create key and no rename, as Terraform does. Written with the project's IBM client, so its retries and
 * connection handling are imageform's.
 */
import { createIbmVpcProvider } from '../../src/clouds/ibm-vpc/client.js';
import { sleep } from '../../src/engine/wait.js';

export interface SlotModelResult {
  wallMs: number;
  /** CPU of the bench process over the run (the proxy in front of the emulator included). */
  cpuMs: number;
  /** Requests the client sent (the emulator's /stats has them by route). */
  clientRequests: number;
  available: number;
}

const SETTLED = new Set(['available', 'deprecated', 'obsolete', 'failed', 'unusable']);

export async function runSlotModel(options: {
  url: string;
  apiKey: string;
  count: number;
  parallelism: number;
  firstPollMs: number;
  maxPollMs: number;
}): Promise<SlotModelResult> {
  const client = createIbmVpcProvider({ endpoint: options.url, iamEndpoint: options.url, apiKey: options.apiKey });
  await client.now(); // the token exchange, as imageform's refresh does before any create
  const requestsBefore = client.requestCount;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let next = 0;
  let available = 0;
  const worker = async (): Promise<void> => {
    while (next < options.count) {
      const name = `slot-${String(next++).padStart(5, '0')}`;
      const created = await client.createImage({
        name,
        file: { href: `cos://us-south/bench/${name}.qcow2` },
        operating_system: { name: 'ubuntu-24-04-amd64' },
      });
      let image = created;
      let pause = options.firstPollMs;
      while (!SETTLED.has(image.status)) {
        await sleep(pause);
        pause = Math.min(options.maxPollMs, pause * 1.5);
        const read = await client.getImage(created.id);
        if (!read) throw new Error(`slot model: image ${created.id} disappeared`);
        image = read;
      }
      if (image.status === 'available') available++;
    }
  };
  await Promise.all(Array.from({ length: options.parallelism }, worker));
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const requests = client.requestCount - requestsBefore;
  await client.close();
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, clientRequests: requests, available };
}

/** Median time of `samples` sequential image POSTs: the request time of the limit's formula. */
export async function medianPostMs(url: string, apiKey: string, samples = 11): Promise<number> {
  const client = createIbmVpcProvider({ endpoint: url, iamEndpoint: url, apiKey });
  await client.now();
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const name = `probe-${i}-${Date.now().toString(36)}`;
    const started = performance.now();
    await client.createImage({
      name,
      file: { href: `cos://us-south/bench/${name}.qcow2` },
      operating_system: { name: 'ubuntu-24-04-amd64' },
    });
    times.push(performance.now() - started);
  }
  await client.close();
  return times.sort((a, b) => a - b)[Math.floor(samples / 2)]!;
}

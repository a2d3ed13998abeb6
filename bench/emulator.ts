/**
 * Emulator benchmark: builds a 10,000-image cloud over real HTTP, then lists it in pages of 100 and prints how
 * long each stretch of pages took, so a listing that slows down page by page shows at a glance.
 * Run: node --import tsx bench/emulator.ts [IMAGES]
 */
import { startEmulator } from '../src/clouds/ibm-vpc/emulator/index.js';

const imageCount = Number(process.argv[2] ?? 10_000);
const concurrency = 50;
const query = 'version=2026-03-24&generation=2';

const emulator = await startEmulator({ timeScale: 0 });
const tokenResponse = await fetch(`${emulator.url}/identity/token`, {
  method: 'POST',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ grant_type: 'urn:ibm:params:oauth:grant-type:apikey', apikey: emulator.apiKey }),
});
const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json' };

let next = 0;
const createStart = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < imageCount) {
      const index = next++;
      const response = await fetch(`${emulator.url}/v1/images?${query}`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          name: `bench-${index}`,
          file: { href: 'cos://us-south/bench/disk.qcow2' },
          operating_system: { name: 'ubuntu-24-04-amd64' },
        }),
      });
      if (response.status !== 201) throw new Error(`create ${index}: ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
    }
  }),
);
const createMs = performance.now() - createStart;
console.log(
  `created ${imageCount} images in ${(createMs / 1000).toFixed(2)} s (${((imageCount / createMs) * 1000).toFixed(0)} creates/s, ${concurrency} concurrent)`,
);

const pageTimes: number[] = [];
let href: string | undefined = `${emulator.url}/v1/images?${query}&limit=100`;
let listed = 0;
while (href) {
  const started = performance.now();
  const response = await fetch(href, { headers });
  const page = (await response.json()) as { images: unknown[]; next?: { href: string } };
  pageTimes.push(performance.now() - started);
  listed += page.images.length;
  href = page.next?.href;
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
const stretch = Math.max(1, Math.floor(pageTimes.length / 10));
console.log(
  `listed ${listed} images in ${pageTimes.length} pages of 100, ${(pageTimes.reduce((a, b) => a + b, 0) / 1000).toFixed(2)} s in all`,
);
console.log('mean ms per page, by tenth of the listing:');
for (let start = 0; start < pageTimes.length; start += stretch) {
  const slice = pageTimes.slice(start, start + stretch);
  console.log(
    `  pages ${String(start + 1).padStart(3)}-${String(start + slice.length).padEnd(3)}  ${mean(slice).toFixed(2)} ms`,
  );
}
const firstTenth = mean(pageTimes.slice(0, stretch));
const lastTenth = mean(pageTimes.slice(-stretch));
console.log(`last/first tenth ratio: ${(lastTenth / firstTenth).toFixed(2)} (about 1 means no slowdown page by page)`);

// A filtered listing has to count its matches for total_count: it scans, so it is shown apart.
const filteredStart = performance.now();
let filteredPages = 0;
for (
  let filtered: string | undefined = `${emulator.url}/v1/images?${query}&limit=100&status=available`;
  filtered;
  filteredPages++
) {
  const page = (await (await fetch(filtered, { headers })).json()) as { next?: { href: string } };
  filtered = page.next?.href;
}
console.log(
  `status=available: ${filteredPages} pages in ${((performance.now() - filteredStart) / 1000).toFixed(2)} s (${((performance.now() - filteredStart) / filteredPages).toFixed(2)} ms a page)`,
);

const stats = await (await fetch(`${emulator.url}/emulator/v1/stats`, { headers })).json();
console.log(`requests served: ${JSON.stringify((stats as { requests: unknown }).requests)}`);
await emulator.stop();

import type { RefreshInput } from '../../engine/cloud.js';
import { fileDigest, sourceFilePath } from './source-file.js';
import type { GlanceApi } from './glance-api.js';
import { addImage, emptySnapshot, type GlanceSnapshot } from './snapshot.js';

/**
 * Read what the plan needs in as few requests as Glance allows: every image the project sees, hidden ones too, in
 * pages (two listings: Glance leaves hidden images out unless asked). A create an interrupted apply recorded is
 * settled by the id it chose (DESIGN.md §8.2: never by the name, which is not unique): found, it is adopted; a
 * managed id the listing lacks is gone.
 */
export async function refresh(api: GlanceApi, input: RefreshInput): Promise<GlanceSnapshot> {
  const before = api.requestCount;
  const snapshot = emptySnapshot(new Date(0));
  for (const image of await api.listImages()) addImage(snapshot, image);
  for (const [address, entry] of Object.entries(input.entries)) {
    if (entry.id) {
      if (!snapshot.images.has(entry.id)) snapshot.goneImages.add(entry.id);
      continue;
    }
    const chosen = entry.intent?.action === 'create' ? entry.intent.key : undefined;
    if (chosen && snapshot.images.has(chosen)) snapshot.adoptedIntents.set(address, chosen);
  }
  for (const document of input.documents) {
    const path = sourceFilePath(document);
    if (path) snapshot.sourceDigests.set(document.address, await fileDigest(path));
  }
  snapshot.now = await api.now();
  snapshot.requests = api.requestCount - before;
  return snapshot;
}

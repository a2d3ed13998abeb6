import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../../src/app/catalog.js';
import { CLOUDS } from '../../../src/app/clouds.js';

describe('the registry of clouds', () => {
  it('lists the same clouds, with the same kinds, for the configuration and for the engine', () => {
    const engine = CLOUDS.map((cloud) => [cloud.type, cloud.kinds.map((kind) => kind.kind)]);
    const configuration = CATALOG.clouds.map((cloud) => [cloud.type, cloud.kinds.map((kind) => kind.kind)]);
    expect(configuration).toEqual(engine);
    expect(CLOUDS.map((cloud) => cloud.type)).toContain(CATALOG.defaultType);
  });

  it("declares each kind's facts once: the engine's kind is its configuration's declaration", () => {
    for (const cloud of CLOUDS) {
      const declared = CATALOG.clouds.find((candidate) => candidate.type === cloud.type)!;
      for (const kind of cloud.kinds) {
        const declaration = declared.kinds.find((candidate) => candidate.kind === kind.kind)!;
        expect(kind.fields).toBe(declaration.fields);
        expect(kind.specSchema).toBe(declaration.specSchema);
      }
    }
  });
});

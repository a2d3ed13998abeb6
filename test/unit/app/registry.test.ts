import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../../src/app/catalog.js';
import { CLOUDS, cloudOfType } from '../../../src/app/clouds.js';

describe('the registry of clouds', () => {
  it("lists every engine's cloud for the configuration too, with the same kinds", () => {
    const engine = CLOUDS.map((cloud) => [cloud.type, cloud.kinds.map((kind) => kind.kind)]);
    const configuration = CATALOG.clouds
      .filter((cloud) => CLOUDS.some((candidate) => candidate.type === cloud.type))
      .map((cloud) => [cloud.type, cloud.kinds.map((kind) => kind.kind)]);
    expect(configuration).toEqual(engine);
    expect(CLOUDS.map((cloud) => cloud.type)).toContain(CATALOG.defaultType);
  });

  it('refuses to open a cloud whose plan is not built yet, naming the clouds that are', () => {
    const validateOnly = CATALOG.clouds.filter((cloud) => !CLOUDS.some((candidate) => candidate.type === cloud.type));
    expect(validateOnly.map((cloud) => cloud.type)).toEqual(['alibaba-ecs']);
    expect(() => cloudOfType('alibaba-ecs')).toThrow(/validates its documents but cannot plan or apply/);
    expect(() => cloudOfType('no-such-cloud')).toThrow(/no cloud of type "no-such-cloud"/);
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

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // ink reads CI once, at import, and then only draws its last frame; the terminal-UI tests need live frames
    // even when the suite itself runs in CI. Tests that want CI behaviour pass CI to the child they start.
    env: { CI: '0', CONTINUOUS_INTEGRATION: '0' },
  },
});

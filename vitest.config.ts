import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Generous, and in this one place: on a loaded 2-core machine an e2e test that spawns the CLI a dozen times
    // can take minutes. Tests wait on conditions (test/helpers/wait.ts), so a quiet machine is not slowed.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // ink reads CI once, at import, and then only draws its last frame; the terminal-UI tests need live frames
    // even when the suite itself runs in CI. Tests that want CI behaviour pass CI to the child they start.
    // IMAGEFORM_CI keeps the outer CI setting for tests that must not skip there (the official OpenStack CLIs).
    env: { CI: '0', CONTINUOUS_INTEGRATION: '0', IMAGEFORM_CI: process.env.CI ?? '' },
  },
});

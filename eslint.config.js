// Lint rules: eslint's and typescript-eslint's recommended sets, which the code already follows, less the rules
// that fire on deliberate patterns (each with its reason).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: ['dist/', 'coverage/', '**/node_modules/', '**/.imageform/', 'examples/gitops/vendor/'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // `const { secret: _secret, ...rest } = value` drops a field; the name says it is unused on purpose.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true, argsIgnorePattern: '^_' }],
      // Terminal code matches escape sequences (\x1b) and control characters on purpose.
      'no-control-regex': 'off',
    },
  },
  {
    // Tests and benchmarks read API and state JSON whose shape they then assert.
    files: ['test/**', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);

import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Svelte components are checked by svelte-check; ESLint covers the TypeScript of every part.
export default tseslint.config(
  { ignores: ['build/', '**/.svelte-kit/', 'node_modules/', 'data/', 'test-results/', '**/*.svelte'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['server/**/*.ts'],
    ignores: ['server/index.ts'],
    rules: {
      // Only server/index.ts reads the environment (STYLE.md: nothing happens on import).
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read the environment in server/index.ts only.' }],
    },
  },
);

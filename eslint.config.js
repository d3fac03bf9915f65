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
    // The two entry points: the server, and the database commands (npm run migrate, copy-to-postgres).
    ignores: ['server/index.ts', 'server/store/db-cli.ts'],
    rules: {
      // Only the entry points read the environment (STYLE.md: nothing happens on import).
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read the environment in server/index.ts (or the database commands in server/store/db-cli.ts) only.' }],
    },
  },
);

// Lint rules for every project: typescript-eslint's recommended set plus a few house rules.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '.tools/**',
      '.data/**',
      '.nx/**',
      '**/*.js',
      '**/*.mjs',
      '**/golden/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-imports': ['error', { patterns: ['**/utils', '**/helpers'] }],
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    files: ['libs/workflows/src/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@log-exporter/schemas',
              allowTypeImports: true,
              message:
                'workflows take values from @log-exporter/schemas/workflow (no zod: every workflow context would build the schemas again); types from @log-exporter/schemas',
            },
          ],
          patterns: [
            {
              group: ['@log-exporter/*', '!@log-exporter/schemas', '!@log-exporter/schemas/workflow'],
              message: 'workflows import only @log-exporter/schemas',
            },
            {
              group: ['node:*', 'fs', 'path', 'crypto', 'zlib', 'stream'],
              message: 'workflow code must stay deterministic: no Node I/O',
            },
            { group: ['@aws-sdk/*', 'better-sqlite3', 'pino'], message: 'workflow code imports no I/O library' },
          ],
        },
      ],
    },
  },
);

// ESLint (flat config) for the TypeScript sources and tests. Besides the recommended rules, it
// enforces the dependency direction of ARCHITECTURE.md with `no-restricted-imports`:
//   - the engine imports no adapter (cli, lsp, node, client), no vscode* package, no node:fs and no
//     child_process: it is pure;
//   - the layers below the analysis (queries, paths, rules, and everything under them) do not
//     import analyze.ts, the module that runs them; they take an `Analysis` (analysis.ts) as data;
//   - queries and rules do not import each other, and nothing below them imports them.
// Import cycles are checked by test/architecture.test.ts (a plugin for that would need a native
// resolver).
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

const ENGINE = 'server/src/engine';

/** The engine is pure: adapters, editor and protocol packages, the file system and processes stay outside. */
const PURE = [
  { regex: '^vscode', message: 'The engine is pure: vscode* packages belong to the adapters (lsp/, client/).' },
  {
    regex: '^(node:)?(fs|fs/promises|child_process)$',
    message: 'The engine is pure: no file system or process access; adapters pass (path, text) pairs.',
  },
  { regex: '(^|/)(cli|lsp|node)/', message: 'The engine imports no adapter (cli/, lsp/, node/).' },
  { regex: '(^|/)client/', message: 'The engine imports nothing from the client.' },
];
const NOT_ANALYZE = {
  regex: '(^|/)analyze$',
  message: 'Only the entry points import analyze.ts; take an `Analysis` (analysis.ts) instead.',
};
const NOT_QUERIES = {
  regex: '(^|/)queries(/|$)',
  message: 'The editor queries sit on top of the engine; nothing below them imports them.',
};
const NOT_RULES = {
  regex: '(^|/)rules(/|$)',
  message: 'Rules sit on top of the graph; import shared helpers from the model or graph instead.',
};
const NOT_PATHS = {
  regex: '(^|/)paths$',
  message: 'The traffic map sits on top of the graph; nothing below it imports it.',
};

const restrict = (...patterns) => ['error', { patterns }];

export default defineConfig(
  // The TypeScript sources and tests; bundles, build output and scripts are not linted.
  globalIgnores([
    'out/**',
    'dist/**',
    'node_modules/**',
    '.cache/**',
    'test/fixtures/**',
    '**/*.js',
    '**/*.mjs',
    '**/*.cjs',
  ]),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      // `_`-prefixed parameters and variables are deliberately unused (interface shapes, destructuring).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      'no-restricted-imports': 'off',
      // Control characters are matched on purpose: escaping terminal, SARIF and Mermaid output, and its tests.
      'no-control-regex': 'off',
    },
  },
  // Layer direction (see the header). A later block replaces an earlier one's options for the same
  // files, so each block lists every pattern that applies to its files.
  {
    files: [`${ENGINE}/**/*.ts`],
    rules: { 'no-restricted-imports': restrict(...PURE, NOT_ANALYZE, NOT_QUERIES, NOT_RULES, NOT_PATHS) },
  },
  {
    // The entry points: they run everything.
    files: [`${ENGINE}/analyze.ts`, `${ENGINE}/index.ts`],
    rules: { 'no-restricted-imports': restrict(...PURE, NOT_QUERIES) },
  },
  {
    files: [`${ENGINE}/queries/**/*.ts`],
    rules: { 'no-restricted-imports': restrict(...PURE, NOT_ANALYZE, NOT_RULES) },
  },
  {
    files: [`${ENGINE}/rules/**/*.ts`],
    rules: { 'no-restricted-imports': restrict(...PURE, NOT_ANALYZE, NOT_QUERIES, NOT_PATHS) },
  },
  {
    // The traffic map, and Helm's placing of an analysis's results (diagnostics and the map) on
    // template lines: both consume what the graph and rules computed.
    files: [`${ENGINE}/paths.ts`, `${ENGINE}/helm/index.ts`],
    rules: { 'no-restricted-imports': restrict(...PURE, NOT_ANALYZE, NOT_QUERIES, NOT_RULES) },
  },
  {
    // Tests read fixtures and start processes; non-null assertions after an assert are the idiom there.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);

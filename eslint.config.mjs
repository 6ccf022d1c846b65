// ESLint for tokengate (npm run lint; .ci/run runs it after the typecheck).
// Two kinds of rules: the rooms' import boundaries (docs/architecture.md says who may
// import what, and this file is that table made executable), and a handful of rules that
// catch real bugs (a promise nobody awaits, an async callback where a plain one is
// expected, `==`). Type-aware over tsconfig.test.json: src, migrations and test.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** The PostgreSQL drivers (and the ORM): only src/db may import them. */
const DRIVERS = {
  regex: '^(pg|postgres|pg-copy-streams|typeorm)(/.*)?$',
  message: 'Only src/db talks to PostgreSQL: import { Db, sql, sqlCount, sqlPrepared } from the db folder instead (docs/architecture.md).',
};
/** A relative import of one of src's folders, from anywhere below src. */
const room = (name) => `^\\.\\.?/(\\.\\./)*${name}(/|$)`;
/** The token families' services: the gateway knows no token words. */
const TOKEN_FAMILIES = ['tokens', 'token-import', 'batch-assign', 'auth', 'user-tokens', 'devices', 'templates'];

const boundaries = {
  domain: [{
    regex: room('(db|services|gateway|http|methods|realtime)'),
    message: 'src/domain is pure algorithms: it imports no database, service, gateway or HTTP code.',
  }],
  gateway: [
    { regex: room('methods'), message: 'The gateway imports no method: app.ts hands it the list.' },
    { regex: room(`services/(${TOKEN_FAMILIES.join('|')})`), message: 'The gateway knows no token family: it runs methods, which call services.' },
  ],
  methodsAndServices: [{
    regex: room('gateway'),
    message: 'Methods and services never import the gateway: throw catalog errors from src/errors; the gateway turns them into replies.',
  }],
};

/** One no-restricted-imports rule per room (flat config replaces a rule, it does not merge it). */
const imports = (...groups) => ({
  '@typescript-eslint/no-restricted-imports': ['error', { patterns: groups.flat() }],
});

/** `.query(` outside src/db: SQL goes through the db folder's verbs. */
const NO_QUERY_CALLS = ['error', {
  selector: "CallExpression[callee.type='MemberExpression'][callee.property.name='query']",
  message: 'No .query( outside src/db: use sql(), sqlCount() or sqlPrepared() from the db folder (docs/architecture.md).',
}];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'console/**', 'bench/**', 'scripts/**', 'src/client/generated/**', '**/*.mjs', '**/*.js'] },
  js.configs.recommended,
  tseslint.configs.eslintRecommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { project: ['./tsconfig.test.json'], tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // promises: every one awaited, handled or explicitly voided; no async function where a callback's result is ignored
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      '@typescript-eslint/only-throw-error': ['error', { allowThrowingUnknown: true }],
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      '@typescript-eslint/no-for-in-array': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-unused-vars': 'off',
      'no-self-compare': 'error',
      'no-template-curly-in-string': 'error',
      'no-constant-binary-expression': 'error',
      'no-return-assign': 'error',
      'no-throw-literal': 'off', // only-throw-error covers it, with types
      'no-control-regex': 'off', // input checks look for control characters on purpose
    },
  },
  {
    // test helpers reject with the reply a client saw (status, body), not an Error, on purpose
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/prefer-promise-reject-errors': 'off' },
  },
  // --- the rooms' boundaries (docs/architecture.md) ---
  {
    files: ['src/**/*.ts'],
    ignores: ['src/db/**'],
    rules: { ...imports(DRIVERS), 'no-restricted-syntax': NO_QUERY_CALLS },
  },
  { files: ['src/domain/**/*.ts'], rules: imports(DRIVERS, boundaries.domain) },
  { files: ['src/gateway/**/*.ts'], rules: imports(DRIVERS, boundaries.gateway) },
  { files: ['src/methods/**/*.ts', 'src/services/**/*.ts'], rules: imports(DRIVERS, boundaries.methodsAndServices) },
  {
    // Migrations take src/db/migrate.ts's runner (MigrationRunner.query); no driver of their own.
    files: ['migrations/**/*.ts'],
    rules: imports(DRIVERS),
  },
);

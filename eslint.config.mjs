import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import prettier from 'eslint-config-prettier';

/**
 * Boundaries (eslint-plugin-import is not installed, so the built-in rules do it): the sync core
 * is pure, the relay and the extension meet only in the wire contract (relay/contract/).
 */
const shared = new Set([...Object.keys(globals.node), ...Object.keys(globals.es2021)]);
/** Browser storage and identity exist in recent Node too, but are browser APIs all the same. */
const browserOnly = [...Object.keys(globals.browser).filter((name) => !shared.has(name)), 'localStorage', 'sessionStorage', 'navigator'];
const extensionApis = Object.keys(globals.webextensions);
const nodeOnly = Object.keys(globals.node).filter((name) => !(name in globals.browser) && !(name in globals.es2021));
const restrictGlobals = (names, message) => names.map((name) => ({ name, message }));

const CORE = 'extension/core/ is pure sync logic: no DOM, no chrome.*/browser.* (the shell passes what it needs)';
const CONTRACT = 'relay/contract/ is bundled by the relay and by every extension context: no Node or browser APIs';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test/fixtures/**/*.min.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
      eqeqeq: ['error', 'smart'],
    },
  },
  { files: ['**/*.js', '**/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  {
    files: ['extension/**/*.ts'],
    ignores: ['extension/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)relay/(?!contract/)',
              message: 'The extension imports only the wire contract of the relay (relay/contract/), none of its internals.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['extension/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'webextension-polyfill', message: `${CORE}.` }],
          patterns: [
            {
              regex: '^\\.\\./(?!\\.\\./relay/contract/)',
              message: `${CORE}: it imports only core modules and the wire contract (relay/contract/), nothing of content/, background/ or the UI.`,
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', ...restrictGlobals([...browserOnly, ...extensionApis], `${CORE}.`)],
      // DOM types too (HTMLVideoElement, Document ...): a core that names them needs a DOM.
      '@typescript-eslint/no-restricted-types': ['error', { types: Object.fromEntries(browserOnly.map((name) => [name, `${CORE}.`])) }],
    },
  },
  {
    files: ['relay/**/*.ts'],
    ignores: ['relay/contract/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '(^|/)extension/', message: 'The relay imports no extension code: what both sides share is in relay/contract/.' },
          ],
        },
      ],
    },
  },
  {
    files: ['relay/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!\\./|zod(/|$))', message: `${CONTRACT}: it imports only itself and zod.` }] },
      ],
      'no-restricted-globals': ['error', ...restrictGlobals([...browserOnly, ...extensionApis, ...nodeOnly], `${CONTRACT}.`)],
    },
  },
  // Formatting is prettier's (npm run format); no lint rule argues with it.
  prettier,
);

/**
 * Tests about the codebase itself: the wire contract's protocol.ts imports nothing, and the lint
 * boundaries (eslint.config.mjs) really refuse what they are meant to refuse.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(__dirname, '../..');

test('relay/contract/protocol.ts has no imports (the extension bundles it as is)', () => {
  const source = readFileSync(resolve(root, 'relay/contract/protocol.ts'), 'utf8');
  expect(source).not.toMatch(/^\s*import\s/m);
  expect(source).not.toMatch(/\brequire\(/);
});

interface Probe {
  name: string;
  /** Where the code pretends to live (it is never written). */
  file: string;
  code: string;
  /** The rules that must fire; none for code that must pass. */
  rules: string[];
}

const PROBES: Probe[] = [
  {
    name: 'core imports content',
    file: 'extension/core/probe.ts',
    code: "import type { PlayerAdapter } from '../content/adapters/types';\nexport type P = PlayerAdapter;\n",
    rules: ['no-restricted-imports'],
  },
  {
    name: 'core imports background',
    file: 'extension/core/probe.ts',
    code: "export { failure } from '../background/errors';\n",
    rules: ['no-restricted-imports'],
  },
  {
    name: 'core uses the DOM and chrome.*',
    file: 'extension/core/probe.ts',
    code: 'export const w = (): number => document.body.clientWidth + chrome.runtime.id.length;\n',
    rules: ['no-restricted-globals', 'no-restricted-globals'],
  },
  {
    name: 'core names a DOM type',
    file: 'extension/core/probe.ts',
    code: 'export const at = (v: HTMLVideoElement): number => v.currentTime;\n',
    rules: ['@typescript-eslint/no-restricted-types'],
  },
  {
    name: 'core imports the contract',
    file: 'extension/core/probe.ts',
    code: "export { positionAt } from '../../relay/contract/timeline';\n",
    rules: [],
  },
  {
    name: 'extension imports relay internals',
    file: 'extension/popup/probe.ts',
    code: "export { ROUTES } from '../../relay/rooms/event-routes';\n",
    rules: ['no-restricted-imports'],
  },
  {
    name: 'extension imports the contract',
    file: 'extension/popup/probe.ts',
    code: "export { LIMITS } from '../../relay/contract/protocol';\n",
    rules: [],
  },
  {
    name: 'relay imports extension code',
    file: 'relay/rooms/probe.ts',
    code: "export { createEngine } from '../../extension/core/engine';\n",
    rules: ['no-restricted-imports'],
  },
  {
    name: 'contract imports Node and the relay',
    file: 'relay/contract/probe.ts',
    code: "export { readFileSync } from 'node:fs';\nexport type { RelayContext } from '../context';\n",
    rules: ['no-restricted-imports', 'no-restricted-imports'],
  },
  {
    name: 'contract uses process',
    file: 'relay/contract/probe.ts',
    code: 'export const env = (): unknown => process.env;\n',
    rules: ['no-restricted-globals'],
  },
];

/** All probes linted in one ESLint process (its start-up is most of the time). */
function lintProbes(): string[][] {
  const script = `
    import { ESLint } from 'eslint';
    const probes = JSON.parse(process.argv[1]);
    const eslint = new ESLint({ cwd: process.cwd() });
    const out = [];
    for (const p of probes) {
      const [result] = await eslint.lintText(p.code, { filePath: p.file });
      out.push(result.messages.map((m) => m.ruleId ?? m.message));
    }
    process.stdout.write(JSON.stringify(out));`;
  const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(PROBES)], {
    cwd: root,
    encoding: 'utf8',
  });
  return JSON.parse(stdout) as string[][];
}

test('the lint boundaries refuse what they must, and let the contract through', () => {
  const fired = lintProbes();
  expect(PROBES.map((p, i) => ({ name: p.name, rules: fired[i] }))).toEqual(PROBES.map((p) => ({ name: p.name, rules: p.rules })));
}, 60_000);

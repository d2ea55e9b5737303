/** Tests about the wire contract itself (that protocol.ts imports nothing: test/unit/codebase.test.ts). */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EVENT_CLASS } from '../../../relay/limits/rate-budgets';
import { ErrorCode } from '../../../relay/contract/protocol';

test('every error code is documented in the README protocol section', () => {
  const readme = readFileSync(resolve(__dirname, '../../../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('<!-- section:protocol -->'), readme.indexOf('<!-- /section:protocol -->'));
  for (const code of Object.values(ErrorCode)) expect(section).toContain(`\`${code}\``);
  for (const event of Object.keys(EVENT_CLASS)) expect(section).toContain(`\`${event}\``);
});

/** Tests about the wire contract itself (that protocol.ts imports nothing: test/unit/codebase.test.ts). */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EVENT_CLASS } from '../../../relay/limits/rate-budgets';
import { ErrorCode } from '../../../relay/contract/protocol';

test('every error code is documented in docs/protocol.md', () => {
  const doc = readFileSync(resolve(__dirname, '../../../docs/protocol.md'), 'utf8');
  for (const code of Object.values(ErrorCode)) expect(doc).toContain(`\`${code}\``);
  for (const event of Object.keys(EVENT_CLASS)) expect(doc).toContain(`\`${event}\``);
});

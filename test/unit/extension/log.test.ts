/** The extension's log helper: one prefix, one console method per level; and nothing logs around it. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOG_PREFIX, log, type LogLevel } from '../../../extension/log';

test.each<LogLevel>(['debug', 'info', 'warn', 'error'])('log.%s writes to console.%s with the prefix, details as they are', (level) => {
  const spy = jest.spyOn(console, level).mockImplementation(() => undefined);
  const err = new Error('gone');
  log[level]('frame 3/0 unreachable:', err);
  expect(spy).toHaveBeenCalledWith(`${LOG_PREFIX} frame 3/0 unreachable:`, err);
  spy.mockRestore();
});

// core/ logs nothing at all (it is pure): the same check keeps it that way.
const LOGGING_THROUGH_THE_HELPER = ['background', 'content', 'core', 'popup', 'options', 'ui'];

test.each(LOGGING_THROUGH_THE_HELPER)('extension/%s logs only through extension/log.ts', (folder) => {
  const dir = join(__dirname, '../../../extension', folder);
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  expect(files.length).toBeGreaterThan(0);
  for (const file of files) {
    const source = readFileSync(join(dir, file), 'utf8');
    expect({ file, console: /\bconsole\.\w+\(/.test(source) }).toEqual({ file, console: false });
  }
});

/**
 * The extension's one log helper (as Dark Reader's src/background/utils/log.ts): every line starts
 * with LOG_PREFIX, so the extension's lines can be told from the page's in a tab's console. Each
 * level goes to the console method of that name (the browser's console filters by level).
 */
export const LOG_PREFIX = 'Lockstep:';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

function write(level: LogLevel, message: string, details: unknown[]): void {
  console[level](`${LOG_PREFIX} ${message}`, ...details);
}

/** `message` is for a person; `details` (errors, payloads) are passed to the console as they are. */
export const log: Record<LogLevel, (message: string, ...details: unknown[]) => void> = {
  debug: (message, ...details) => write('debug', message, details),
  info: (message, ...details) => write('info', message, details),
  warn: (message, ...details) => write('warn', message, details),
  error: (message, ...details) => write('error', message, details),
};

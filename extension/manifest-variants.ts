/**
 * One manifest.json serves both browsers; each build drops the keys the other browser owns.
 * Chrome: background.service_worker. Firefox: background.scripts (an event page) and a gecko id.
 */
export type Browser = 'chrome' | 'firefox';

export function manifestFor(manifest: Record<string, unknown>, browser: Browser): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(manifest);
  const background = (out.background ?? {}) as { service_worker?: string; scripts?: string[] };
  if (browser === 'chrome') {
    out.background = { service_worker: background.service_worker };
    delete out.browser_specific_settings;
  } else {
    out.background = { scripts: background.scripts };
    delete out.minimum_chrome_version;
  }
  return out;
}

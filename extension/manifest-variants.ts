/**
 * One manifest.json serves both browsers; each build drops the keys the other browser owns.
 * Chrome: background.service_worker. Firefox: background.scripts (an event page) and a gecko id.
 * `web_accessible_resources[].use_dynamic_url` is Chrome's (a per-session address for the room
 * panel's page); Firefox's manifest schema has no such key (it warns "unexpected property" at
 * install) and its moz-extension:// address is random per install already, so its build drops it.
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
    const resources = out.web_accessible_resources;
    if (Array.isArray(resources))
      out.web_accessible_resources = resources.map((entry: unknown) => {
        if (typeof entry !== 'object' || entry === null) return entry;
        const { use_dynamic_url: _chromeOnly, ...rest } = entry as Record<string, unknown>;
        return rest;
      });
  }
  return out;
}

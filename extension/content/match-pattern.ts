/**
 * WebExtension match patterns (`<all_urls>`, `*://*.example.com/*`, `https://host/path*`):
 * matching a URL, and whether one pattern covers another (for the manifest coverage test).
 */

interface Parsed {
  scheme: string;
  host: string;
  path: string;
}

const ALL: Parsed = { scheme: '*', host: '*', path: '/*' };

function parse(pattern: string): Parsed {
  if (pattern === '<all_urls>') return ALL;
  const m = /^(\*|https?|wss?|file|ftp):\/\/(\*|\*\.[^/*]+|[^/*]+)?(\/.*)$/.exec(pattern);
  if (!m) throw new Error(`invalid match pattern: ${pattern}`);
  const [, scheme = '', host = '', path = ''] = m;
  return { scheme, host, path };
}

function glob(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
}

function hostMatches(pattern: string, host: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*.')) return host === pattern.slice(2) || host.endsWith(pattern.slice(1));
  return host === pattern;
}

export function matchesUrl(pattern: string, href: string): boolean {
  const p = parse(pattern);
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return false; // not a URL: nothing matches
  }
  const scheme = url.protocol.slice(0, -1);
  if (p.scheme === '*' ? !['http', 'https', 'ws', 'wss'].includes(scheme) && pattern !== '<all_urls>' : p.scheme !== scheme) return false;
  return hostMatches(p.host, url.hostname) && glob(p.path).test(url.pathname + url.search);
}

/** True when every URL `inner` matches is matched by `outer`. */
export function patternCovers(outer: string, inner: string): boolean {
  const o = parse(outer);
  const i = parse(inner);
  const schemeOk = o.scheme === i.scheme || (o.scheme === '*' && ['*', 'http', 'https'].includes(i.scheme)) || outer === '<all_urls>';
  const hostOk =
    o.host === '*' || o.host === i.host || (o.host.startsWith('*.') && (i.host === o.host.slice(2) || i.host.endsWith(o.host.slice(1))));
  const pathOk = o.path === '/*' || glob(o.path).test(i.path);
  return schemeOk && hostOk && pathOk;
}

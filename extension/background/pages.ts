/** Whether two URLs show the same video page (ignoring fragments, where invites travel). */
export function sameVideoPage(a: string, b: string): boolean {
  try {
    const x = new URL(a);
    const y = new URL(b);
    return x.origin === y.origin && x.pathname === y.pathname && x.search === y.search;
  } catch {
    return false; // an unparsable URL is not the page we want to be on
  }
}

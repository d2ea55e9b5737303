/**
 * At document_start, before the page's scripts read location: an invite in the URL fragment
 * (`#lockstep=CODE&relay=URL`) is taken out with history.replaceState, so the site never sees it
 * and reloading does not join again. Only the top frame does this (an iframe's URL is not the
 * page someone opened).
 */
import { stripInvite } from '../invite';

/** The full invite link when the window's URL carried one (now removed from the URL), else null. */
export function takeInvite(win: Window): string | null {
  if (win.top !== win) return null;
  const href = win.location.href;
  const stripped = stripInvite(href);
  if (stripped === null) return null;
  win.history.replaceState(win.history.state, '', stripped);
  return href;
}

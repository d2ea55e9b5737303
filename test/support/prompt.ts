/**
 * The tab's prompt (prompt.html: "join this room?", "the room moved on", notices), driven as a
 * person would: read in the extension's own frame and answered with a real click on its button.
 * The prompt is an extension page in an iframe on the site's page; the test reaches into it as
 * the browser's automation can and the page cannot.
 */
import { waitFor, type MemberFrame, type MemberPage } from './browsers';

/** The prompt's frame once it shows `pattern` (title and body, as one text), and that text. */
export async function promptShowing(
  page: MemberPage,
  pattern: RegExp,
  what: string,
  timeoutMs = 20_000,
): Promise<{ frame: MemberFrame; text: string }> {
  let frame: MemberFrame | null = null;
  let text = '';
  await waitFor(
    async () => {
      frame = await page.frame('/prompt.html');
      if (frame === null) return false;
      text = await frame
        .run<string>(`(() => { const c = document.getElementById('card'); return c && !c.hidden ? c.innerText : ''; })()`)
        .catch(() => '');
      return pattern.test(text);
    },
    `${what}: the prompt showing ${pattern}`,
    timeoutMs,
  );
  return { frame: frame as unknown as MemberFrame, text };
}

/** Clicks the prompt's button named `label` (Join, Cancel, Go, Stay, Close) once it is awake (the prompt arms it a moment after showing). */
export async function answer(frame: MemberFrame, label: string): Promise<void> {
  const selector = await frame.run<string | null>(`(() => {
    const b = [...document.querySelectorAll('button')].find((x) => !x.hidden && x.textContent === ${JSON.stringify(label)});
    if (!b) return null;
    return '#' + b.id;
  })()`);
  if (selector === null) throw new Error(`the prompt has no button "${label}"`);
  await waitFor(
    async () => (await frame.run<boolean>(`!document.querySelector('${selector}').disabled`)) === true,
    `"${label}" awake`,
    5000,
  );
  await frame.click(selector);
}

/** Whether the tab shows no prompt: no prompt frame, or its card hidden. */
export async function noPrompt(page: MemberPage): Promise<boolean> {
  const frame = await page.frame('/prompt.html');
  if (frame === null) return true;
  return frame.run<boolean>(`document.getElementById('card')?.hidden !== false`).catch(() => true);
}

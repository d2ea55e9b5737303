/**
 * The room panel in a member's tab, driven as a person would: found by the accessible names the
 * acceptance tests rely on (the log "Chat", the textbox "Message", "Send", "React 🎉", "Hide panel"),
 * then typed into and clicked with real input. The panel is an extension page in an iframe on the
 * site's page; the test reaches into it as the browser's automation can and the page cannot.
 */
import { waitFor, type MemberFrame, type MemberPage } from './browsers';

/** Marks the element with `role` and accessible `name` in the frame with data-e2e, and returns its selector. */
async function named(frame: MemberFrame, role: 'button' | 'textbox' | 'log', name: string): Promise<string> {
  const script = `(() => {
    const nameOf = (el) => {
      const by = el.getAttribute('aria-labelledby');
      if (by) return by.split(/\\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' ').trim();
      const aria = el.getAttribute('aria-label');
      if (aria) return aria.trim();
      if (el.labels && el.labels[0]) return (el.labels[0].textContent ?? '').trim();
      return (el.textContent ?? '').trim();
    };
    const selector = { button: 'button', textbox: 'textarea, input[type=text], input:not([type])', log: '[role=log]' }[${JSON.stringify(role)}];
    const shown = (el) => !el.closest('[hidden]') && el.getClientRects().length > 0;
    const el = [...document.querySelectorAll(selector)].find((c) => shown(c) && nameOf(c) === ${JSON.stringify(name)});
    if (!el) return null;
    el.dataset.e2e = ${JSON.stringify(`${role}:${name}`)};
    return '[data-e2e="' + el.dataset.e2e + '"]';
  })()`;
  const selector = await frame.run<string | null>(script);
  if (selector === null) throw new Error(`the panel has no ${role} named "${name}"`);
  return selector;
}

/** The tab's room panel, once it is there. */
export async function panelOf(page: MemberPage, what: string, timeoutMs = 15_000): Promise<MemberFrame> {
  let frame: MemberFrame | null = null;
  await waitFor(
    async () => {
      frame = await page.frame('/panel.html');
      return frame !== null && (await frame.run<string>('document.readyState').catch(() => '')) === 'complete';
    },
    `${what}: the room panel`,
    timeoutMs,
  );
  return frame as unknown as MemberFrame;
}

/** The log named "Chat" as lines: "Ana: hello" for a message, the sentence for activity. */
export async function chatLines(frame: MemberFrame): Promise<string[]> {
  const log = await named(frame, 'log', 'Chat');
  return frame.run<string[]>(`[...document.querySelector('${log}').querySelectorAll('.entry')].map((e) =>
    e.classList.contains('chat') ? e.querySelector('.name').textContent + ': ' + e.querySelector('.text').textContent : e.querySelector('.text').textContent)`);
}

/** Waits until a line of the log matches `line`; the log is in the error otherwise. */
export async function seeLine(frame: MemberFrame, line: string | RegExp, what: string, timeoutMs = 15_000): Promise<void> {
  let last: string[] = [];
  const matches = (l: string): boolean => (typeof line === 'string' ? l === line : line.test(l));
  try {
    await waitFor(async () => (last = await chatLines(frame).catch(() => [])).some(matches), what, timeoutMs);
  } catch (err) {
    throw new Error(`${(err as Error).message}; the log showed: ${JSON.stringify(last)}`, { cause: err });
  }
}

/** Types a message into "Message" and sends it with Enter. */
export async function say(frame: MemberFrame, text: string): Promise<void> {
  const box = await named(frame, 'textbox', 'Message');
  await frame.type(box, text);
  await frame.press(box, 'Enter');
}

/** Clicks the panel's button named `name` ("Send", "React 🎉", "Hide panel", "Collapse panel"...). */
export async function press(frame: MemberFrame, name: string): Promise<void> {
  await frame.click(await named(frame, 'button', name));
}

/** The composer's refusal, if it shows one. */
export function refusal(frame: MemberFrame): Promise<string | null> {
  return frame.run<string | null>(
    `(() => { const e = document.getElementById('chat-error'); return e && !e.hidden ? e.textContent : null; })()`,
  );
}

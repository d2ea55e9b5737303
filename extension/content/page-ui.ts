/**
 * The few things the content script shows inside a page: a toast (invite errors), the "follow to
 * the next video?" prompt and the "join a room on another relay?" question. Both live in a shadow root so the site's CSS cannot restyle
 * them (open, so tests and accessibility tools can reach the buttons).
 */
const Z_TOP = '2147483647';
const TOAST_MS = 8000;

const STYLE = `
:host { all: initial; }
.box { position: fixed; right: 16px; bottom: 16px; z-index: ${Z_TOP}; max-width: 360px; padding: 12px 14px;
  font: 14px/1.4 system-ui, sans-serif; color: #f5f5f5; background: #1f2330; border-radius: 8px;
  box-shadow: 0 4px 18px rgba(0,0,0,.4); display: flex; flex-direction: column; gap: 8px; }
.title { font-weight: 600; }
.row { display: flex; gap: 8px; justify-content: flex-end; }
button { font: inherit; padding: 4px 12px; border-radius: 4px; border: 1px solid #5a6275; background: #2c3244; color: inherit; cursor: pointer; }
button.primary { background: #3d6df2; border-color: #3d6df2; }
`;

function mount(doc: Document, label: string): { host: HTMLElement; box: HTMLDivElement } {
  const host = doc.createElement('lockstep-ui');
  const root = host.attachShadow({ mode: 'open' });
  const style = doc.createElement('style');
  style.textContent = STYLE;
  const box = doc.createElement('div');
  box.className = 'box';
  box.setAttribute('role', 'dialog');
  box.setAttribute('aria-label', label);
  root.append(style, box);
  (doc.body ?? doc.documentElement).append(host);
  return { host, box };
}

function text(doc: Document, className: string, value: string): HTMLDivElement {
  const el = doc.createElement('div');
  el.className = className;
  el.textContent = value;
  return el;
}

/** Shows `message` for a few seconds; returns a function that removes it sooner. */
export function showToast(doc: Document, title: string, message: string, signal: AbortSignal): () => void {
  const { host, box } = mount(doc, title);
  box.setAttribute('role', 'status');
  box.append(text(doc, 'title', `Lockstep: ${title}`), text(doc, 'body', message));
  const remove = (): void => host.remove();
  const timer = setTimeout(remove, TOAST_MS);
  signal.addEventListener(
    'abort',
    () => {
      clearTimeout(timer);
      remove();
    },
    { once: true },
  );
  return remove;
}

/** A question with two buttons; resolves true for `yes`, false for `no` (or teardown). */
function ask(doc: Document, title: string, body: string, yes: string, no: string, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const { host, box } = mount(doc, title);
    const go = doc.createElement('button');
    go.className = 'primary';
    go.textContent = yes;
    const stay = doc.createElement('button');
    stay.textContent = no;
    const row = doc.createElement('div');
    row.className = 'row';
    row.append(stay, go);
    box.append(text(doc, 'title', title), text(doc, 'body', body), row);
    const done = (answer: boolean): void => {
      host.remove();
      resolve(answer);
    };
    go.addEventListener('click', () => done(true), { once: true, signal });
    stay.addEventListener('click', () => done(false), { once: true, signal });
    signal.addEventListener('abort', () => done(false), { once: true });
  });
}

/** Asks whether to open the room's next video. Resolves true for Go, false for Stay (or teardown). */
export function askToFollow(doc: Document, title: string, signal: AbortSignal): Promise<boolean> {
  return ask(doc, 'Lockstep: the room moved on', `Open "${title}"?`, 'Go', 'Stay', signal);
}

/** Asks before joining an invite's room on a relay the person has not chosen (Join / Cancel). */
export function askToUseRelay(doc: Document, relayUrl: string, signal: AbortSignal): Promise<boolean> {
  const body = `This invite's room is on the relay ${relayUrl}, not the one in your options. Join it there? The relay will see your name, and its room can change what this tab plays.`;
  return ask(doc, 'Lockstep: join a room on another relay?', body, 'Join', 'Cancel', signal);
}

/** Each tab's prompt as the background keeps it: one a tab, answered by id only, dropped when moot. */
jest.mock('webextension-polyfill', () => ({}));
import type browser from 'webextension-polyfill';
import { TabPrompts, type NewPrompt } from '../../../extension/background/prompts';
import type { PromptMessage } from '../../../extension/messages';

function port(): browser.Runtime.Port & { sent: PromptMessage[]; hangUp(): void } {
  const gone: Array<() => void> = [];
  const p = {
    sent: [] as PromptMessage[],
    postMessage: (m: PromptMessage) => p.sent.push(m),
    disconnect: jest.fn(),
    onDisconnect: { addListener: (fn: () => void) => gone.push(fn) },
    hangUp: () => gone.forEach((fn) => fn()),
  };
  return p as unknown as browser.Runtime.Port & { sent: PromptMessage[]; hangUp(): void };
}

const PAGE = 'https://video.example/watch?v=1';
const join: NewPrompt = {
  view: { kind: 'join', code: '7K3Q-X9M2-C4TD-HA', relayUrl: 'https://relay.example', otherRelay: true, private: false },
  invite: `${PAGE}#lockstep=7K3QX9M2C4TDHA&relay=https%3A%2F%2Frelay.example`,
  pageUrl: PAGE,
};
const media = { url: 'https://video.example/watch?v=2', title: 'Episode 2', duration: null };
const follow: NewPrompt = { view: { kind: 'follow', title: 'Episode 2', host: 'video.example', url: media.url }, media };

function setup(): { prompts: TabPrompts; told: Array<[number, boolean]> } {
  const told: Array<[number, boolean]> = [];
  let n = 0;
  const prompts = new TabPrompts(
    (tabId, shown) => told.push([tabId, shown]),
    () => `id-${++n}`,
  );
  return { prompts, told };
}

test('asking shows the frame once; the prompt page gets the view, never the invite it answers for', () => {
  const { prompts, told } = setup();
  const p = port();
  prompts.opened(1, p); // a prompt page from before: nothing to show, so its frame closes
  expect(told).toEqual([[1, false]]);
  const id = prompts.ask(1, join);
  expect(id).toBe('id-1');
  expect(told).toEqual([
    [1, false],
    [1, true],
  ]);
  expect(p.sent.at(-1)).toEqual({ prompt: { ...join.view, id: 'id-1' } });
  expect(JSON.stringify(p.sent)).not.toContain('lockstep=');
  // A second prompt replaces the first in the same frame (no second "show").
  prompts.ask(1, follow);
  expect(told).toHaveLength(2);
  expect(p.sent.at(-1)?.prompt?.kind).toBe('follow');
});

test.each([
  ['another id (a stale or forged answer)', 'id-9', 1],
  ['another tab', 'id-1', 2],
])('an answer naming %s takes nothing', (_name, id, tabId) => {
  const { prompts } = setup();
  prompts.ask(1, join);
  expect(prompts.take(tabId, id)).toBeNull();
  expect(prompts.current(1)?.view.id).toBe('id-1');
});

test('the answer takes the prompt once, with what it was kept for; the frame closes', () => {
  const { prompts, told } = setup();
  const p = port();
  prompts.ask(1, join);
  prompts.opened(1, p);
  const taken = prompts.take(1, 'id-1');
  expect(taken !== null && 'invite' in taken ? taken.invite : null).toBe(join.invite);
  expect(prompts.take(1, 'id-1')).toBeNull(); // a second click does nothing more
  expect(told.at(-1)).toEqual([1, false]);
  expect(p.sent.at(-1)).toEqual({ prompt: null });
});

test('an invite\'s question belongs to its page; "open the room\'s video?" is moot once there', () => {
  const { prompts } = setup();
  prompts.ask(1, join);
  prompts.pageChanged(1, `${PAGE}#t=3`); // the same page (the invite's fragment removed)
  expect(prompts.current(1)?.view.kind).toBe('join');
  prompts.pageChanged(1, 'https://video.example/other');
  expect(prompts.current(1)).toBeNull();

  prompts.ask(1, follow);
  prompts.pageChanged(1, PAGE);
  expect(prompts.current(1)?.view.kind).toBe('follow');
  prompts.pageChanged(1, media.url);
  expect(prompts.current(1)).toBeNull();
});

test('clear by kind leaves another kind; forget drops the tab and its pages', () => {
  const { prompts } = setup();
  const p = port();
  prompts.ask(1, follow);
  prompts.clear(1, 'join');
  expect(prompts.current(1)?.view.kind).toBe('follow');
  prompts.clear(1, 'follow');
  expect(prompts.current(1)).toBeNull();
  prompts.ask(1, { view: { kind: 'notice', title: 'could not join the room', message: 'That room is full.' } });
  prompts.opened(1, p);
  prompts.forget(1);
  expect(prompts.current(1)).toBeNull();
  expect(p.disconnect).toHaveBeenCalled();
});

test('every change is persisted, and a restarted worker gets the prompt back (what storage gives back is checked)', () => {
  const changed: number[] = [];
  const prompts = new TabPrompts(
    () => undefined,
    () => 'id-1',
    (tabId) => changed.push(tabId),
  );
  prompts.ask(1, join);
  const stored = JSON.parse(JSON.stringify(prompts.current(1))) as unknown;
  prompts.take(1, 'id-1');
  expect(changed).toEqual([1, 1]);

  const next = new TabPrompts(() => undefined);
  next.restore(1, stored);
  const taken = next.take(1, 'id-1');
  expect(taken !== null && 'invite' in taken ? taken.invite : null).toBe(join.invite);
  for (const junk of [
    null,
    'x',
    { view: { kind: 'join', id: 'a' } },
    { view: { kind: 'follow', id: 'a', title: 't', host: 'h' }, media: {} },
    { view: { kind: 'shell', id: 'a' } },
  ]) {
    next.restore(2, junk);
    expect(next.current(2)).toBeNull();
  }
});

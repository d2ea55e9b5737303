/** Each tab's room panel as the background keeps it: mode, unread chat, connected panels and overlays. */
jest.mock('webextension-polyfill', () => ({}));
import type browser from 'webextension-polyfill';
import { REACTION_SHOW_MS, TabPanels, isPanelMode, toggled, unreadAfterMessage } from '../../../extension/background/panels';
import type { FloatingReaction, PanelView } from '../../../extension/messages';

/** A port that records what it was sent and can be disconnected from the far side. */
function port(): browser.Runtime.Port & { sent: unknown[]; hangUp(): void } {
  const gone: Array<() => void> = [];
  const p = {
    sent: [] as unknown[],
    postMessage: (m: unknown) => p.sent.push(m),
    disconnect: jest.fn(),
    onDisconnect: { addListener: (fn: () => void) => gone.push(fn) },
    hangUp: () => gone.forEach((fn) => fn()),
  };
  return p as unknown as browser.Runtime.Port & { sent: unknown[]; hangUp(): void };
}

const view = (version: number): PanelView => ({
  mode: 'open',
  connection: { status: 'connected', relayUrl: 'http://r', detail: null, rttMs: null },
  room: null,
  unread: 0,
  feed: { version, entries: [] },
  notice: null,
});

test.each<[string, number, boolean, boolean, number]>([
  ['seen: read at once', 2, true, false, 2],
  ['not seen: one more unread', 2, false, false, 3],
  ['one of your own: never unread', 0, false, true, 0],
])('unread after a message: %s', (_name, unread, viewing, fromYou, expected) => {
  expect(unreadAfterMessage(unread, viewing, fromYou)).toBe(expected);
});

test('the shortcut shows a hidden panel and hides a shown one (open or collapsed)', () => {
  expect([toggled('hidden'), toggled('open'), toggled('collapsed')]).toEqual(['open', 'hidden', 'hidden']);
  expect([isPanelMode('open'), isPanelMode('fullscreen'), isPanelMode(null)]).toEqual([true, false, false]);
});

describe('unread counting', () => {
  test('messages are unread while the panel is hidden, collapsed or out of sight, and read once it is seen', () => {
    const panels = new TabPanels();
    expect(panels.chatArrived(1, false)).toBe(true); // no panel at all
    expect(panels.unread(1)).toBe(1);
    panels.setMode(1, 'collapsed');
    const p = port();
    panels.panelOpened(1, 9, p);
    expect(panels.panelVisible(1, 9, true)).toBe(false); // collapsed: the pill shows the count, nothing is read
    panels.chatArrived(1, false);
    expect(panels.unread(1)).toBe(2);
    expect(panels.chatArrived(1, true)).toBe(false); // your own message
    panels.setMode(1, 'open'); // open and visible: read
    expect(panels.unread(1)).toBe(0);
    expect(panels.viewing(1)).toBe(true);
    expect(panels.chatArrived(1, false)).toBe(false);
    expect(panels.unread(1)).toBe(0);
    panels.panelVisible(1, 9, false); // the tab went to the background
    panels.chatArrived(1, false);
    expect(panels.unread(1)).toBe(1);
    expect(panels.panelVisible(1, 9, true)).toBe(true);
    expect(panels.unread(1)).toBe(0);
    p.hangUp(); // the panel went (page reloading): later messages are unread
    panels.chatArrived(1, false);
    expect(panels.unread(1)).toBe(1);
    expect(panels.clearUnread(1)).toBe(true); // left the room
    expect(panels.stored(1)).toEqual({ mode: 'open', unread: 0 });
  });

  test('mode and unread are restored from storage; nonsense there is ignored', () => {
    const panels = new TabPanels();
    panels.restore(1, { mode: 'collapsed', unread: 4 });
    panels.restore(2, { mode: 'sideways' as never, unread: 1 });
    expect([panels.mode(1), panels.unread(1), panels.mode(2), panels.stored(2)]).toEqual(['collapsed', 4, 'hidden', null]);
  });
});

test("each panel is sent the log only when it has not seen that room's version of it", () => {
  const panels = new TabPanels();
  const a = port();
  panels.panelOpened(1, 9, a);
  panels.pushPanels(1, view(3), 'ROOM:3');
  panels.pushPanels(1, view(3), 'ROOM:3');
  panels.pushPanels(1, view(3), 'OTHER:3');
  expect(a.sent.map((m) => (m as PanelView).feed?.version ?? null)).toEqual([3, null, 3]);
  const b = port();
  panels.panelOpened(1, 10, b);
  panels.pushPanels(1, view(3), 'OTHER:3');
  expect(b.sent).toHaveLength(1);
  expect((b.sent[0] as PanelView).feed?.version).toBe(3);
});

test('a second panel page in the same frame replaces the first', () => {
  const panels = new TabPanels();
  const first = port();
  panels.panelOpened(1, 9, first);
  panels.panelOpened(1, 9, port());
  expect(first.disconnect).toHaveBeenCalled();
});

test('an overlay that connects gets the reactions of the last moments, then each new one', () => {
  let now = 10_000;
  const panels = new TabPanels(() => now);
  const r = (id: string): FloatingReaction => ({ id, emoji: '🎉', name: 'Ana', color: '#e6194b' });
  panels.reaction(1, r('old'));
  now += REACTION_SHOW_MS + 1;
  panels.reaction(1, r('fresh'));
  const overlay = port();
  panels.overlayOpened(1, overlay);
  panels.reaction(1, r('live'));
  panels.reaction(2, r('another tab'));
  expect(overlay.sent).toEqual([{ reactions: [r('fresh')] }, { reactions: [r('live')] }]);
  panels.forget(1);
  expect(overlay.disconnect).toHaveBeenCalled();
});

/**
 * The service worker against a fake `browser`: its listeners are registered at once (a stopped
 * worker is woken only by listeners registered at top level), before its state is restored; and
 * messages are routed by who sent them, refused with the error codes' own words.
 */
jest.mock('webextension-polyfill', () => {
  const listeners = new Map<string, unknown[]>();
  const event = (name: string) => ({
    addListener: (fn: unknown) => listeners.set(name, [...(listeners.get(name) ?? []), fn]),
    removeListener: () => undefined,
  });
  let restored: (items: Record<string, unknown>) => void = () => undefined;
  const session = new Promise<Record<string, unknown>>((done) => (restored = done));
  return {
    listeners,
    restore: (items: Record<string, unknown>) => restored(items),
    runtime: {
      getURL: (path: string) => `chrome-extension://lockstep/${path}`,
      onMessage: event('runtime.onMessage'),
      onConnect: event('runtime.onConnect'),
    },
    tabs: {
      onUpdated: event('tabs.onUpdated'),
      onRemoved: event('tabs.onRemoved'),
      get: () => Promise.reject(new Error('no such tab')),
      sendMessage: jest.fn(() => Promise.resolve(null)),
      query: () => Promise.resolve([{ id: 8 }]),
    },
    action: { setBadgeText: () => Promise.resolve(), setTitle: () => Promise.resolve() },
    commands: { onCommand: event('commands.onCommand') },
    storage: {
      session: { get: () => session, set: () => Promise.resolve(), remove: () => Promise.resolve() },
      sync: { get: () => Promise.resolve({}), set: () => Promise.resolve() },
      onChanged: event('storage.onChanged'),
    },
  };
});
import '../../../extension/background/service-worker';
import { messageFor } from '../../../extension/background/errors';
import { LocalError } from '../../../extension/messages';
import { ErrorCode } from '../../../relay/contract/protocol';

const fake = jest.requireMock<{
  listeners: Map<string, unknown[]>;
  restore: (items: Record<string, unknown>) => void;
  tabs: { sendMessage: jest.Mock };
}>('webextension-polyfill');

type OnMessage = (message: unknown, sender: { url?: string; tab?: { id: number }; frameId?: number }) => Promise<unknown> | undefined;
const onMessage = (): OnMessage => {
  const [listener] = fake.listeners.get('runtime.onMessage') ?? [];
  return listener as OnMessage;
};

const popup = { url: 'chrome-extension://lockstep/popup.html' };
const page = { url: 'https://video.example/watch', tab: { id: 5 }, frameId: 0 };
const stranger = { url: 'https://elsewhere.example/' };
/** The room panel: our page, embedded in tab 5 (the tab is the browser's word, not the page's). */
const panel = { url: 'chrome-extension://lockstep/panel.html', tab: { id: 5 }, frameId: 7 };
/** The prompt page, embedded in tab 5's top frame. */
const prompt = { url: 'chrome-extension://lockstep/prompt.html', tab: { id: 5 }, frameId: 9 };
/** A page of the site's own in a subframe (the page can make those; it cannot make our origin's). */
const pageFrame = { url: 'https://video.example/prompt.html', tab: { id: 5 }, frameId: 4 };

test('every listener is registered before the stored state is restored', () => {
  // storage.session has not answered yet (fake.restore not called): still, all are there, once.
  for (const name of [
    'runtime.onMessage',
    'runtime.onConnect',
    'tabs.onUpdated',
    'tabs.onRemoved',
    'storage.onChanged',
    'commands.onCommand',
  ]) {
    expect({ name, count: fake.listeners.get(name)?.length }).toEqual({ name, count: 1 });
  }
});

describe('routing, once restored', () => {
  beforeAll(() => fake.restore({}));

  test('what is not a message of ours gets no answer', () => {
    expect(onMessage()('hello', popup)).toBeUndefined();
    expect(onMessage()({ type: 'getTabState' }, popup)).toBeUndefined();
  });

  test.each([
    ['a popup message from a page', { type: 'leaveRoom', payload: { tabId: 5 } }, page, LocalError.InvalidInput],
    ['a content message from the popup', { type: 'control', payload: { action: 'play', position: 0 } }, popup, LocalError.InvalidInput],
    ['a message nobody handles', { type: 'selfDestruct', payload: null }, popup, LocalError.InvalidInput],
    ['anything from a sender that is neither', { type: 'getTabState', payload: { tabId: 5 } }, stranger, LocalError.Forbidden],
    ['a panel message from the page', { type: 'sendChat', payload: { text: 'hi' } }, page, LocalError.InvalidInput],
    ['a panel message from the popup', { type: 'sendChat', payload: { text: 'hi' } }, popup, LocalError.InvalidInput],
    ['a popup message from the panel', { type: 'leaveRoom', payload: { tabId: 9 } }, panel, LocalError.InvalidInput],
    ['a content message from the panel', { type: 'panelMode', payload: null }, panel, LocalError.InvalidInput],
    // Only the prompt page answers prompts: not a content script (the page drives its frame), nor the panel.
    ['an answer to a prompt from the page', { type: 'answerPrompt', payload: { id: 'x', accept: true } }, page, LocalError.InvalidInput],
    [
      'an answer from a page of the site in a subframe',
      { type: 'answerPrompt', payload: { id: 'x', accept: true } },
      pageFrame,
      LocalError.InvalidInput,
    ],
    ['an answer to a prompt from the panel', { type: 'answerPrompt', payload: { id: 'x', accept: true } }, panel, LocalError.InvalidInput],
    ['an answer to a prompt from the popup', { type: 'answerPrompt', payload: { id: 'x', accept: true } }, popup, LocalError.InvalidInput],
    [
      'a popup message from the prompt',
      { type: 'joinRoom', payload: { tabId: 5, invite: '7K3QX9M2C4TDHA' } },
      prompt,
      LocalError.InvalidInput,
    ],
    [
      'a content message from the prompt',
      { type: 'inviteLanding', payload: { invite: 'https://v.example/#lockstep=X' } },
      prompt,
      LocalError.InvalidInput,
    ],
    ['an inherited property as a message type', { type: 'constructor', payload: null }, popup, LocalError.InvalidInput],
    [
      'an invite landing from a subframe',
      { type: 'inviteLanding', payload: { invite: 'https://v.example/' } },
      pageFrame,
      LocalError.Forbidden,
    ],
  ])('%s is refused with its code and its words', async (_name, message, sender, code) => {
    expect(await onMessage()(message, sender)).toEqual({ ok: false, error: code, message: messageFor(code) });
  });

  test.each([
    ['updateRoomSettings', { tabId: 5, settings: { controlMode: 'host' } }],
    ['transferHost', { tabId: 5, memberId: 'm1' }],
  ])('%s for a tab in no room: not_in_room, in its own words', async (type, payload) => {
    expect(await onMessage()({ type, payload }, popup)).toEqual({
      ok: false,
      error: ErrorCode.NotInRoom,
      message: messageFor(ErrorCode.NotInRoom),
    });
  });

  test.each([
    ['sendChat', { text: 'hello' }],
    ['sendReaction', { emoji: '🎉' }],
    ['transferHost', { memberId: 'm1' }],
  ])("the panel's %s acts for its own tab, which is in no room: not_in_room", async (type, payload) => {
    expect(await onMessage()({ type, payload }, panel)).toEqual({
      ok: false,
      error: ErrorCode.NotInRoom,
      message: messageFor(ErrorCode.NotInRoom),
    });
  });

  test("the prompt page's answer is taken for its own tab; with no such prompt there, nothing happens", async () => {
    expect(await onMessage()({ type: 'answerPrompt', payload: { id: 'nope', accept: true } }, prompt)).toEqual({
      ok: false,
      error: LocalError.InvalidInput,
      message: 'That question is no longer asked.',
    });
  });

  test('a panel mode that is not one is refused', async () => {
    expect(await onMessage()({ type: 'setPanelMode', payload: { mode: 'fullscreen' } }, panel)).toEqual({
      ok: false,
      error: LocalError.InvalidInput,
      message: messageFor(LocalError.InvalidInput),
    });
  });
});

describe('the room panel shortcut (manifest commands)', () => {
  const flush = (): Promise<void> => new Promise((done) => setImmediate(done));
  type OnCommand = (command: string, tab?: { id?: number }) => void;
  const onCommand = (): OnCommand => fake.listeners.get('commands.onCommand')?.[0] as OnCommand;

  test('shows the panel of the tab it was pressed in, then hides it; another command does nothing', async () => {
    fake.tabs.sendMessage.mockClear();
    onCommand()('toggle-room-panel', { id: 5 });
    await flush();
    onCommand()('toggle-room-panel', { id: 5 });
    onCommand()('something-else', { id: 5 });
    await flush();
    const panelMessages = fake.tabs.sendMessage.mock.calls.filter(([, m]) => (m as { type: string }).type === 'panel');
    expect(panelMessages).toEqual([
      [5, { type: 'panel', payload: 'open' }, { frameId: 0 }],
      [5, { type: 'panel', payload: 'hidden' }, { frameId: 0 }],
    ]);
  });

  test('without a tab (Firefox before 126 may not say), the active tab', async () => {
    fake.tabs.sendMessage.mockClear();
    onCommand()('toggle-room-panel');
    await flush();
    await flush();
    expect(fake.tabs.sendMessage).toHaveBeenCalledWith(8, { type: 'panel', payload: 'open' }, { frameId: 0 });
  });
});

/**
 * The prompt page's answer: an id and yes or no. What yes does is what the background kept with the
 * prompt; an answer to another prompt, or for another tab, does nothing.
 */
const mockTabsUpdate = jest.fn(async (..._args: unknown[]) => ({}));
jest.mock('webextension-polyfill', () => ({
  __esModule: true,
  default: { tabs: { update: (...args: unknown[]) => mockTabsUpdate(...args) } },
}));
const mockJoinTab = jest.fn();
jest.mock('../../../extension/background/popup-handlers', () => ({ joinTab: (...args: unknown[]) => mockJoinTab(...args) }));

import { promptHandlers } from '../../../extension/background/prompt-handlers';
import { TabPrompts } from '../../../extension/background/prompts';
import type { Registry } from '../../../extension/background/registry';
import type { Media } from '../../../relay/contract/protocol';

const media: Media = { url: 'https://video.example/watch?v=2', title: 'Episode 2', duration: null };
const INVITE = 'https://video.example/watch?v=1#lockstep=7K3QX9M2C4TDHA&relay=https%3A%2F%2Frelay.example';

function setup(roomMedia: Media | null = media) {
  let n = 0;
  const prompts = new TabPrompts(
    () => undefined,
    () => `id-${++n}`,
  );
  const notices: string[] = [];
  const reg = {
    prompts,
    roomOf: () => ({ room: { timeline: { media: roomMedia } } }),
    notice: (_tab: number, title: string, message: string) => notices.push(`${title}: ${message}`),
  } as unknown as Registry;
  return { handlers: promptHandlers(reg), prompts, notices };
}
const ctx = { tabId: 7, frameId: 3 };

beforeEach(() => {
  mockTabsUpdate.mockClear();
  mockJoinTab.mockReset();
});

test('Join joins with the invite the background kept, once', async () => {
  const { handlers, prompts } = setup();
  mockJoinTab.mockResolvedValue({ ok: true, data: {} });
  const id = prompts.ask(7, {
    view: { kind: 'join', code: 'C', relayUrl: 'https://relay.example', otherRelay: true, private: false },
    invite: INVITE,
    pageUrl: null,
  });
  expect(await handlers.answerPrompt({ id, accept: true }, ctx)).toEqual({ ok: true, data: null });
  expect(mockJoinTab).toHaveBeenCalledTimes(1);
  expect(mockJoinTab.mock.calls[0]?.slice(1)).toEqual([7, INVITE, false]);
  expect((await handlers.answerPrompt({ id, accept: true }, ctx)).ok).toBe(false); // answered already
  expect(mockJoinTab).toHaveBeenCalledTimes(1);
});

test('a failed join becomes a notice in the same prompt', async () => {
  const { handlers, prompts, notices } = setup();
  mockJoinTab.mockResolvedValue({ ok: false, error: 'room_full', message: 'That room is full.' });
  const id = prompts.ask(7, {
    view: { kind: 'join', code: 'C', relayUrl: 'r', otherRelay: false, private: false },
    invite: INVITE,
    pageUrl: null,
  });
  expect((await handlers.answerPrompt({ id, accept: true }, ctx)).ok).toBe(false);
  expect(notices).toEqual(['could not join the room: That room is full.']);
});

test.each([
  ['another id', (id: string) => ({ payload: { id: `${id}x`, accept: true }, ctx })],
  ['another tab', (id: string) => ({ payload: { id, accept: true }, ctx: { tabId: 8, frameId: 3 } })],
  ['no tab', (id: string) => ({ payload: { id, accept: true }, ctx: { tabId: null, frameId: null } })],
  ['a payload of the wrong shape', (id: string) => ({ payload: { id, accept: 'yes' as unknown as boolean }, ctx })],
])('an answer with %s does nothing', async (_name, make) => {
  const { handlers, prompts } = setup();
  const id = prompts.ask(7, { view: { kind: 'follow', title: 'E2', host: 'video.example', url: media.url }, media });
  const { payload, ctx: c } = make(id);
  expect((await handlers.answerPrompt(payload, c)).ok).toBe(false);
  expect(mockTabsUpdate).not.toHaveBeenCalled();
  expect(prompts.current(7)?.view.id).toBe(id);
});

test('Go opens the room video the prompt was about; Stay opens nothing', async () => {
  const { handlers, prompts } = setup();
  const stay = prompts.ask(7, { view: { kind: 'follow', title: 'E2', host: 'video.example', url: media.url }, media });
  expect(await handlers.answerPrompt({ id: stay, accept: false }, ctx)).toEqual({ ok: true, data: null });
  expect(mockTabsUpdate).not.toHaveBeenCalled();
  const go = prompts.ask(7, { view: { kind: 'follow', title: 'E2', host: 'video.example', url: media.url }, media });
  expect(await handlers.answerPrompt({ id: go, accept: true }, ctx)).toEqual({ ok: true, data: null });
  expect(mockTabsUpdate).toHaveBeenCalledWith(7, { url: media.url });
});

test('Go after the room moved on again opens nothing', async () => {
  const { handlers, prompts } = setup({ ...media, url: 'https://video.example/watch?v=3' });
  const id = prompts.ask(7, { view: { kind: 'follow', title: 'E2', host: 'video.example', url: media.url }, media });
  expect((await handlers.answerPrompt({ id, accept: true }, ctx)).ok).toBe(false);
  expect(mockTabsUpdate).not.toHaveBeenCalled();
});

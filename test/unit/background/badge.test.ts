/** The toolbar badge: what it shows for a tab's room, and that a tab gone meanwhile is no error. */
jest.mock('webextension-polyfill', () => ({ action: { setBadgeText: jest.fn(), setBadgeBackgroundColor: jest.fn() } }));
import browser from 'webextension-polyfill';
import { badgeFor, showBadge } from '../../../extension/background/badge';
import type { Member } from '../../../relay/contract/protocol';
import type { ConnectionStatus } from '../../../extension/messages';

const member = (id: string, connected: boolean): Member => ({
  id,
  name: id,
  color: '#3cb44b',
  role: 'member',
  connected,
  status: 'paused',
  offsetMs: null,
  rttMs: null,
  joinedAt: 0,
});
const action = browser.action as unknown as { setBadgeText: jest.Mock; setBadgeBackgroundColor: jest.Mock };

test.each<[string, { members: Member[]; status: ConnectionStatus } | null, { text: string; color: string | null }]>([
  ['no room: no badge', null, { text: '', color: null }],
  [
    'connected: the members present, green',
    { members: [member('a', true), member('b', false), member('c', true)], status: 'connected' },
    { text: '2', color: '#2e7d32' },
  ],
  ['unreachable: red', { members: [member('a', true)], status: 'unreachable' }, { text: '1', color: '#c62828' }],
  ['reconnecting: orange', { members: [member('a', false)], status: 'reconnecting' }, { text: '0', color: '#ef6c00' }],
  ['connecting: orange', { members: [], status: 'connecting' }, { text: '0', color: '#ef6c00' }],
])('%s', (_name, room, badge) => {
  expect(badgeFor(room)).toEqual(badge);
});

beforeEach(() => {
  action.setBadgeText.mockReset().mockResolvedValue(undefined);
  action.setBadgeBackgroundColor.mockReset().mockResolvedValue(undefined);
});

test('a badge without colour clears the text and leaves the colour alone', async () => {
  await showBadge(4, { text: '', color: null });
  expect(action.setBadgeText).toHaveBeenCalledWith({ tabId: 4, text: '' });
  expect(action.setBadgeBackgroundColor).not.toHaveBeenCalled();
});

test('a tab closed meanwhile: logged at debug, not thrown', async () => {
  action.setBadgeText.mockRejectedValue(new Error('No tab with id: 4.'));
  const debug = jest.spyOn(console, 'debug').mockImplementation(() => undefined);
  await showBadge(4, { text: '2', color: '#2e7d32' });
  expect(debug).toHaveBeenCalledWith('Lockstep: badge not updated (tab gone?)', expect.any(Error));
  expect(action.setBadgeBackgroundColor).not.toHaveBeenCalled();
  debug.mockRestore();
});

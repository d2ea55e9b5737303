/** The toolbar badge: what it shows for a tab's room (members, or unread chat), and that a tab gone meanwhile is no error. */
jest.mock('webextension-polyfill', () => ({
  action: { setBadgeText: jest.fn(), setBadgeBackgroundColor: jest.fn(), setTitle: jest.fn() },
}));
import browser from 'webextension-polyfill';
import { UNREAD_COLOR, badgeFor, showBadge } from '../../../extension/background/badge';
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
const action = browser.action as unknown as { setBadgeText: jest.Mock; setBadgeBackgroundColor: jest.Mock; setTitle: jest.Mock };
const two = [member('a', true), member('b', false), member('c', true)];

test.each<[string, { members: Member[]; status: ConnectionStatus; unread?: number } | null, ReturnType<typeof badgeFor>]>([
  ['no room: no badge', null, { text: '', color: null, title: 'Lockstep' }],
  [
    'connected: the members present, green',
    { members: two, status: 'connected' },
    { text: '2', color: '#2e7d32', title: 'Lockstep: 2 members' },
  ],
  [
    'unreachable: red',
    { members: [member('a', true)], status: 'unreachable' },
    { text: '1', color: '#c62828', title: 'Lockstep: 1 member' },
  ],
  [
    'reconnecting: orange',
    { members: [member('a', false)], status: 'reconnecting' },
    { text: '0', color: '#ef6c00', title: 'Lockstep: 0 members' },
  ],
  ['connecting: orange', { members: [], status: 'connecting' }, { text: '0', color: '#ef6c00', title: 'Lockstep: 0 members' }],
  [
    'nothing unread: the member count',
    { members: two, status: 'connected', unread: 0 },
    { text: '2', color: '#2e7d32', title: 'Lockstep: 2 members' },
  ],
  [
    'unread chat: its count on blue, both in the title',
    { members: two, status: 'connected', unread: 3 },
    { text: '3', color: UNREAD_COLOR, title: 'Lockstep: 3 unread messages, 2 members' },
  ],
  [
    'one unread',
    { members: two, status: 'reconnecting', unread: 1 },
    { text: '1', color: UNREAD_COLOR, title: 'Lockstep: 1 unread message, 2 members' },
  ],
  [
    'very many unread',
    { members: two, status: 'connected', unread: 250 },
    { text: '99+', color: UNREAD_COLOR, title: 'Lockstep: 250 unread messages, 2 members' },
  ],
])('%s', (_name, room, badge) => {
  expect(badgeFor(room)).toEqual(badge);
});

beforeEach(() => {
  action.setBadgeText.mockReset().mockResolvedValue(undefined);
  action.setBadgeBackgroundColor.mockReset().mockResolvedValue(undefined);
  action.setTitle.mockReset().mockResolvedValue(undefined);
});

test('a badge without colour clears the text and leaves the colour alone', async () => {
  await showBadge(4, { text: '', color: null, title: 'Lockstep' });
  expect(action.setBadgeText).toHaveBeenCalledWith({ tabId: 4, text: '' });
  expect(action.setTitle).toHaveBeenCalledWith({ tabId: 4, title: 'Lockstep' });
  expect(action.setBadgeBackgroundColor).not.toHaveBeenCalled();
});

test('a tab closed meanwhile: logged at debug, not thrown', async () => {
  action.setBadgeText.mockRejectedValue(new Error('No tab with id: 4.'));
  const debug = jest.spyOn(console, 'debug').mockImplementation(() => undefined);
  await showBadge(4, { text: '2', color: '#2e7d32', title: 'Lockstep: 2 members' });
  expect(debug).toHaveBeenCalledWith('Lockstep: badge not updated (tab gone?)', expect.any(Error));
  expect(action.setBadgeBackgroundColor).not.toHaveBeenCalled();
  debug.mockRestore();
});

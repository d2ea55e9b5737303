/** What the panel says besides its log lines: positions and times, the pill, the composer's counter and refusals. */
import {
  chatCounter,
  chatProblem,
  formatClock,
  formatPosition,
  formatWait,
  pillText,
  refusalText,
  safeColor,
} from '../../../extension/panel/view-model';
import type { TabRoomView } from '../../../extension/messages';
import { DEFAULT_SETTINGS, ErrorCode, LIMITS, type Member } from '../../../relay/contract/protocol';

test.each([
  [0, '0:00'],
  [7.9, '0:07'],
  [723.4, '12:03'],
  [3723, '1:02:03'],
  [-3, '0:00'],
  [Number.NaN, '0:00'],
])('formatPosition(%p) = %s', (s, text) => {
  expect(formatPosition(s)).toBe(text);
});

test('clock times and wait lengths', () => {
  expect(formatClock(new Date(2026, 0, 2, 9, 5, 59).getTime())).toBe('09:05');
  expect([formatWait(4999), formatWait(65_000), formatWait(-5)]).toEqual(['4 s', '1 min 05 s', '0 s']);
});

const member = (id: string, connected = true): Member => ({
  id,
  name: id,
  color: '#3cb44b',
  role: 'member',
  status: 'playing',
  offsetMs: null,
  rttMs: null,
  joinedAt: 0,
  connected,
});
const room = (members: Member[]): TabRoomView => ({
  code: 'ABCDEFGHJKMNPQ',
  private: false,
  inviteLink: '',
  settings: DEFAULT_SETTINGS,
  members,
  you: 'a',
  timeline: { media: null, paused: true, position: 0, rate: 1, setAt: 0, seq: 0, waitingFor: [], holdUntil: null, by: null },
});

test.each<[string, TabRoomView | null, number, ReturnType<typeof pillText>]>([
  ['not in a room', null, 0, { members: 'Not in a room', unread: null, label: 'Not in a room' }],
  ['one present (one away)', room([member('a'), member('b', false)]), 0, { members: '1 member', unread: null, label: '1 member' }],
  [
    'unread messages',
    room([member('a'), member('b')]),
    3,
    { members: '2 members', unread: '3 unread', label: '2 members, 3 unread messages' },
  ],
  ['many unread', room([member('a')]), 120, { members: '1 member', unread: '99+ unread', label: '1 member, 120 unread messages' }],
])('the pill: %s', (_name, r, unread, expected) => {
  expect(pillText(r, unread)).toEqual(expected);
});

test('the counter counts what the relay counts (trimmed) and says when it is over the limit', () => {
  expect(chatCounter('  hi  ')).toEqual({ text: `2/${LIMITS.chatMaxLength}`, over: false });
  expect(chatCounter('x'.repeat(LIMITS.chatMaxLength + 1))).toEqual({ text: `501/${LIMITS.chatMaxLength}`, over: true });
  expect(chatProblem('x'.repeat(LIMITS.chatMaxLength))).toBeNull();
  expect(chatProblem('   ')).toBeNull();
  expect(chatProblem('x'.repeat(512))).toBe('A message has at most 500 characters; this one has 512. Shorten it to send it.');
});

test.each<[string, ErrorCode, 'chat' | 'reaction', RegExp]>([
  ['chat too fast', ErrorCode.RateLimited, 'chat', /sending messages too fast/],
  ['reactions too fast', ErrorCode.RateLimited, 'reaction', /Too many reactions/],
  ['chat outside a room', ErrorCode.NotInRoom, 'chat', /not in a room, so the message was not sent/],
  ['a reaction outside a room', ErrorCode.NotInRoom, 'reaction', /nobody saw that reaction/],
  ['refused as invalid', ErrorCode.BadRequest, 'chat', /1 to 500 characters/],
])('a refusal in words: %s', (_name, error, what, words) => {
  expect(refusalText({ ok: false, error, message: 'the generic words' }, what)).toMatch(words);
});

test('other refusals keep the words they came with (e.g. which relay cannot be reached)', () => {
  expect(refusalText({ ok: false, error: 'relay_unreachable', message: 'Cannot reach the relay at http://r.' }, 'chat')).toBe(
    'Cannot reach the relay at http://r.',
  );
});

test.each([
  ['#A1b2C3', '#A1b2C3'],
  ['red; background:url(x)', '#888888'],
  ['#fff', '#888888'],
])('safeColor(%s) = %s', (c, out) => {
  expect(safeColor(c)).toBe(out);
});

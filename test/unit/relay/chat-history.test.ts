/** The chat history rule: the last messages within a count and a byte cap, oldest first. */
import type { ChatMessage } from '../../../relay/contract/protocol';
import { appendCapped, CHAT_CAPS, textBytes } from '../../../relay/store/chat-history';

const msg = (n: number, text = `m${n}`): ChatMessage => ({ id: `id${n}`, from: 'a', text, at: n });

/** The history after appending messages 1..n (text from `text`) to an empty one. */
function appended(n: number, text: (i: number) => string, caps = CHAT_CAPS): ChatMessage[] {
  let history: ChatMessage[] = [];
  for (let i = 1; i <= n; i++) history = appendCapped(history, msg(i, text(i)), caps);
  return history;
}

test.each([
  { text: 'hello', bytes: 5 },
  { text: 'é', bytes: 2 },
  { text: '€', bytes: 3 },
  { text: '🎉', bytes: 4 },
  { text: '❤️', bytes: 6 },
  { text: '\ud800', bytes: 3 }, // a lone surrogate: U+FFFD once encoded
])('textBytes($text) = $bytes', ({ text, bytes }) => {
  expect(textBytes(text)).toBe(bytes);
});

test.each([
  { name: 'under both caps: all, oldest first', n: 3, caps: { count: 5, bytes: 100 }, text: () => 'xx', ids: [1, 2, 3] },
  { name: 'the count cap keeps the newest', n: 7, caps: { count: 5, bytes: 100 }, text: () => 'x', ids: [3, 4, 5, 6, 7] },
  { name: 'the byte cap drops the oldest until it fits', n: 4, caps: { count: 50, bytes: 10 }, text: () => 'abcd', ids: [3, 4] },
  { name: 'exactly at the byte cap fits', n: 5, caps: { count: 50, bytes: 10 }, text: () => 'ab', ids: [1, 2, 3, 4, 5] },
  // 3 bytes a '€': 4 × 3 = 12 bytes > 10; the first is dropped.
  { name: 'bytes, not characters', n: 4, caps: { count: 50, bytes: 10 }, text: () => '€', ids: [2, 3, 4] },
  { name: 'both caps at once', n: 6, caps: { count: 4, bytes: 7 }, text: (i: number) => 'x'.repeat(i % 2 === 0 ? 4 : 1), ids: [5, 6] },
])('$name', ({ n, caps, text, ids }) => {
  expect(appended(n, text, caps).map((m) => m.at)).toEqual(ids);
});

test('the default caps are the contract’s: 50 messages, 16 KiB of text', () => {
  expect(appended(60, () => 'hi')).toHaveLength(50);
  const long = appended(60, () => '€'.repeat(500)); // 1,500 bytes each: 10 fit in 16,384
  expect(long.map((m) => m.at)).toEqual([51, 52, 53, 54, 55, 56, 57, 58, 59, 60]);
  expect(long.reduce((sum, m) => sum + textBytes(m.text), 0)).toBeLessThanOrEqual(16_384);
});

test('appending leaves the old history as it was', () => {
  const history = Object.freeze([msg(1), msg(2)]);
  const next = appendCapped(history, msg(3), { count: 2, bytes: 100 });
  expect(next.map((m) => m.id)).toEqual(['id2', 'id3']);
  expect(history.map((m) => m.id)).toEqual(['id1', 'id2']);
});

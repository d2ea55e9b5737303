/** @jest-environment jsdom */
/** The panel's log in a DOM: text stays text, rows are kept across updates, the reader's place is kept. */
import { renderLog } from '../../../extension/panel/chat-log';
import type { LogLine } from '../../../extension/panel/view-model';

const chat = (key: string, text: string, name = 'Ana'): LogLine => ({
  key,
  kind: 'chat',
  name,
  color: '#e6194b',
  time: '20:15',
  text,
  live: false,
});
const activity = (key: string, text: string): LogLine => ({
  key,
  kind: 'activity',
  name: null,
  color: null,
  time: '20:16',
  text,
  live: false,
});

let log: HTMLDivElement;
beforeEach(() => {
  document.body.innerHTML = '<div id="log" role="log" aria-label="Chat"></div>';
  log = document.getElementById('log') as HTMLDivElement;
});

test('markup in a message or a name is shown as typed, never parsed', () => {
  const hostile = '<img src=x onerror="window.pwned=1"><b>bold</b> & <script>alert(1)</script>';
  renderLog(log, [chat('chat:1', hostile, '<i>Eve</i>')]);
  expect(log.querySelector('img, b, i, script')).toBeNull();
  expect(log.querySelector('.text')?.textContent).toBe(hostile);
  expect(log.querySelector('.name')?.textContent).toBe('<i>Eve</i>');
  expect((window as { pwned?: number }).pwned).toBeUndefined();
});

test("a chat row: the name in the member's colour, the time, the text with its line breaks", () => {
  renderLog(log, [chat('chat:1', 'one\ntwo')]);
  const row = log.querySelector<HTMLElement>('.entry.chat');
  expect(row?.querySelector<HTMLElement>('.name')?.style.color).toBe('rgb(230, 25, 75)');
  expect(row?.querySelector('time')?.textContent).toBe('20:15');
  expect(row?.querySelector('.text')?.textContent).toBe('one\ntwo');
});

test('an update keeps the rows it already has, changes what changed, drops what is gone, adds the new', () => {
  renderLog(log, [chat('chat:1', 'hi'), activity('wait:2', 'Waiting for Dan, 1 s')]);
  const [first, second] = [...log.children];
  renderLog(log, [chat('chat:1', 'hi'), activity('wait:2', 'Waiting for Dan, 2 s'), chat('chat:3', 'there')]);
  expect(log.children[0]).toBe(first);
  expect(log.children[1]).toBe(second);
  expect(second?.querySelector('.text')?.textContent).toBe('Waiting for Dan, 2 s');
  expect([...log.children].map((c) => (c as HTMLElement).dataset.key)).toEqual(['chat:1', 'wait:2', 'chat:3']);
  renderLog(log, [activity('wait:2', 'Waited for Dan, 3 s'), chat('chat:3', 'there')]);
  expect([...log.children].map((c) => (c as HTMLElement).dataset.key)).toEqual(['wait:2', 'chat:3']);
});

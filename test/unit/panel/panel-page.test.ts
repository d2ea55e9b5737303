/** @jest-environment jsdom */
/**
 * The panel page (extension/panel/panel.ts) in a DOM, against a fake background: what it shows of
 * a pushed PanelView, and what it sends: Enter sends, Shift+Enter does not, an over-long message is
 * refused in words before it leaves, a refusal from the relay is said in words, reactions by name.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

type Listener = (message: unknown) => void;
const fake = {
  sent: [] as Array<{ type: string; payload: unknown }>,
  answer: (_m: { type: string; payload: unknown }): unknown => ({ ok: true, data: null }),
  onMessage: [] as Listener[],
  connects: [] as string[],
};
jest.mock('webextension-polyfill', () => ({
  runtime: {
    connect: ({ name }: { name: string }) => {
      fake.connects.push(name);
      return { onMessage: { addListener: (fn: Listener) => fake.onMessage.push(fn) }, onDisconnect: { addListener: () => undefined } };
    },
    sendMessage: (m: { type: string; payload: unknown }) => {
      fake.sent.push(m);
      return Promise.resolve(fake.answer(m));
    },
  },
}));

import type { PanelView } from '../../../extension/messages';
import { DEFAULT_SETTINGS, LIMITS, REACTIONS } from '../../../relay/contract/protocol';

const html = readFileSync(resolve(__dirname, '../../../extension/panel/panel.html'), 'utf8');
document.documentElement.innerHTML = html.replace(/^<!doctype html>/i, '').replace(/<script[^>]*><\/script>/g, '');

const view = (over: Partial<PanelView> = {}): PanelView => ({
  mode: 'open',
  connection: { status: 'connected', relayUrl: 'http://relay', detail: null, rttMs: 23 },
  unread: 0,
  room: {
    code: 'ABCDEFGHJKMNPQ',
    private: false,
    inviteLink: '',
    settings: DEFAULT_SETTINGS,
    you: 'ben',
    members: [
      { id: 'ana', name: 'Ana', color: '#e6194b', role: 'host', status: 'playing', offsetMs: 12, rttMs: 30, joinedAt: 1, connected: true },
      {
        id: 'ben',
        name: 'Ben',
        color: '#3cb44b',
        role: 'member',
        status: 'buffering',
        offsetMs: null,
        rttMs: 20,
        joinedAt: 2,
        connected: true,
      },
    ],
    timeline: { media: null, paused: true, position: 0, rate: 1, setAt: 0, seq: 0, waitingFor: [], holdUntil: null, by: null },
  },
  feed: {
    version: 1,
    entries: [
      { kind: 'chat', id: 'm1', from: { id: 'ana', name: 'Ana', color: '#e6194b', you: false }, text: '<b>hi</b>', at: Date.now() },
      {
        kind: 'activity',
        id: 'a2.0',
        who: { id: 'ana', name: 'Ana', color: '#e6194b', you: false },
        what: { type: 'paused', position: 723 },
        at: Date.now(),
      },
    ],
  },
  notice: null,
  ...over,
});

const $ = <T extends Element>(selector: string): T => document.querySelector(selector) as T;
const message = (): HTMLTextAreaElement => $('#message');
const flush = (): Promise<void> => new Promise((done) => setTimeout(done, 0));
const push = (v: PanelView): void => fake.onMessage.forEach((fn) => fn(v));
const typed = (text: string): void => {
  message().value = text;
  message().dispatchEvent(new Event('input', { bubbles: true }));
};
const key = (init: KeyboardEventInit): void => {
  message().dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true, ...init }));
};

beforeAll(async () => {
  await import('../../../extension/panel/panel');
});
beforeEach(() => {
  fake.sent.length = 0;
  fake.answer = () => ({ ok: true, data: null });
});

test('it connects to the background and shows members, the log (as text) and a reaction button per emoji', async () => {
  expect(fake.connects).toEqual(['panel']);
  push(view());
  await flush();
  expect([...document.querySelectorAll('#members li')].map((li) => li.getAttribute('aria-label'))).toEqual([
    'Ana, host: playing · +12 ms · 30 ms latency',
    'Ben, (you): buffering · 20 ms latency',
  ]);
  expect([...document.querySelectorAll('[role=log] .text')].map((t) => t.textContent)).toEqual(['<b>hi</b>', 'Ana paused at 12:03']);
  expect(document.querySelector('[role=log] b')).toBeNull();
  expect([...document.querySelectorAll('#reactions button')].map((b) => b.getAttribute('aria-label'))).toEqual(
    REACTIONS.map((e) => `React ${e}`),
  );
  // The first view on a new port: the panel says it can be seen (jsdom's document is visible).
  expect(fake.sent).toContainEqual({ type: 'panelVisible', payload: { visible: true } });
});

test('a private room shows the lock, an open one does not', async () => {
  const base = view();
  push({ ...base, room: { ...base.room!, private: true } });
  await flush();
  expect($<HTMLElement>('#room-lock').hidden).toBe(false);
  expect($<HTMLElement>('#room-lock').getAttribute('aria-label')).toMatch(/Private room/);
  push(view());
  await flush();
  expect($<HTMLElement>('#room-lock').hidden).toBe(true);
});

test("something that did not open with the link's key is said in the panel, in words, until it is cleared", async () => {
  const damaged = 'This invite link is damaged, or the relay altered what it sent: something in the room did not open.';
  push(view({ notice: damaged }));
  await flush();
  expect($<HTMLElement>('#room-notice').hidden).toBe(false);
  expect($<HTMLElement>('#room-notice').textContent).toBe(damaged);
  expect($<HTMLElement>('#room-notice').getAttribute('role')).toBe('alert');
  push(view());
  await flush();
  expect($<HTMLElement>('#room-notice').hidden).toBe(true);
});

test('Enter sends (trimmed) and clears; Shift+Enter is a new line', async () => {
  typed('  hello there  ');
  key({ shiftKey: true });
  expect(fake.sent.filter((m) => m.type === 'sendChat')).toEqual([]);
  key({});
  await flush();
  expect(fake.sent.filter((m) => m.type === 'sendChat')).toEqual([{ type: 'sendChat', payload: { text: 'hello there' } }]);
  expect(message().value).toBe('');
  expect($<HTMLElement>('#counter').textContent).toBe(`0/${LIMITS.chatMaxLength}`);
});

test('the limit shows while typing; an over-long message is refused in words and not sent', async () => {
  typed('x'.repeat(LIMITS.chatMaxLength + 3));
  expect($<HTMLElement>('#counter').textContent).toBe(`503/${LIMITS.chatMaxLength}`);
  expect($<HTMLElement>('#counter').dataset.over).toBe('true');
  key({});
  await flush();
  expect(fake.sent.filter((m) => m.type === 'sendChat')).toEqual([]);
  expect($<HTMLElement>('#chat-error').hidden).toBe(false);
  expect($<HTMLElement>('#chat-error').textContent).toMatch(/at most 500 characters; this one has 503/);
  typed('short');
  expect($<HTMLElement>('#chat-error').hidden).toBe(true);
});

test("the relay's refusal is said in words, and the text stays to send again", async () => {
  fake.answer = (m) =>
    m.type === 'sendChat' ? { ok: false, error: 'rate_limited', message: 'Too many changes at once.' } : { ok: true, data: null };
  typed('again');
  $<HTMLButtonElement>('#send').click();
  await flush();
  expect($<HTMLElement>('#chat-error').textContent).toBe('You are sending messages too fast: wait a moment, then send it again.');
  expect(message().value).toBe('again');
});

test('a reaction button sends its emoji; collapse, open and hide ask the background', async () => {
  $<HTMLButtonElement>('#reactions button[aria-label="React 🎉"]').click();
  $<HTMLButtonElement>('#collapse').click();
  $<HTMLButtonElement>('#hide').click();
  await flush();
  expect(fake.sent).toEqual([
    { type: 'sendReaction', payload: { emoji: '🎉' } },
    { type: 'setPanelMode', payload: { mode: 'collapsed' } },
    { type: 'setPanelMode', payload: { mode: 'hidden' } },
  ]);
});

test('collapsed: the pill with members and unread; the log is not sent again when it did not change', async () => {
  push(view({ mode: 'collapsed', unread: 2, feed: null }));
  await flush();
  expect($<HTMLElement>('#pill').hidden).toBe(false);
  expect($<HTMLElement>('#main').hidden).toBe(true);
  expect($<HTMLElement>('#pill-summary').textContent).toBe('2 members2 unread');
  expect(document.querySelectorAll('[role=log] .entry')).toHaveLength(2); // kept from before
  expect(fake.sent).toContainEqual({ type: 'panelVisible', payload: { visible: false } });
  $<HTMLButtonElement>('#pill').click();
  await flush();
  expect(fake.sent).toContainEqual({ type: 'setPanelMode', payload: { mode: 'open' } });
});

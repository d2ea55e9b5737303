/** @jest-environment jsdom */
/**
 * Every control in the popup and options page has an accessible name, every id reference
 * resolves, and the names automated acceptance tests rely on exist (the UI contract).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

function load(file: string): void {
  document.documentElement.innerHTML = readFileSync(resolve(__dirname, '../../../extension', file), 'utf8').replace(
    /^<!doctype html>/i,
    '',
  );
}

function nameOf(el: Element): string {
  const labelledBy = el.getAttribute('aria-labelledby');
  if (labelledBy)
    return labelledBy
      .split(/\s+/)
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' ')
      .trim();
  const aria = el.getAttribute('aria-label');
  if (aria) return aria.trim();
  if (el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement)
    return (el.labels?.[0]?.textContent ?? '').trim();
  return (el.textContent ?? '').trim();
}

function controls(): { tag: string; id: string; name: string }[] {
  return [...document.querySelectorAll('button, input, select, textarea, ul, ol')].map((el) => ({
    tag: el.tagName.toLowerCase(),
    id: el.id,
    name: nameOf(el),
  }));
}

describe.each(['popup/popup.html', 'options/options.html', 'panel/panel.html'])('%s', (file) => {
  beforeEach(() => load(file));

  test('every control has an accessible name', () => {
    const nameless = controls().filter((c) => c.name === '' && !(c.tag === 'ul' && c.id === ''));
    expect(nameless).toEqual([]);
  });

  test('every aria-labelledby / aria-describedby / label[for] points at an element', () => {
    const refs = [...document.querySelectorAll('[aria-labelledby], [aria-describedby], label[for]')].flatMap((el) =>
      [el.getAttribute('aria-labelledby'), el.getAttribute('aria-describedby'), el.getAttribute('for')]
        .filter((v): v is string => v !== null)
        .flatMap((v) => v.split(/\s+/)),
    );
    expect(refs.filter((id) => document.getElementById(id) === null)).toEqual([]);
  });

  test('ids are unique', () => {
    const ids = [...document.querySelectorAll('[id]')].map((el) => el.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });
});

test('popup keeps the names the acceptance tests use', () => {
  load('popup/popup.html');
  const names = controls().map((c) => `${c.tag}:${c.name}`);
  expect(names).toEqual(
    expect.arrayContaining([
      'button:Create room',
      'button:Join room',
      'button:Leave room',
      'button:Copy',
      'input:Invite link or room code',
      'input:Invite link',
      'ul:Members',
      'button:Show room panel',
    ]),
  );
  expect((document.getElementById('invite-link') as HTMLInputElement).readOnly).toBe(true);
  expect(document.querySelector('[aria-live]')).not.toBeNull();
  expect(document.querySelector('[role=alert]')).not.toBeNull();
});

test('options page keeps "Relay URL", "Save" and "Test connection"', () => {
  load('options/options.html');
  const names = controls().map((c) => `${c.tag}:${c.name}`);
  expect(names).toEqual(
    expect.arrayContaining(['input:Relay URL', 'button:Save', 'button:Test connection', 'input:Display name', 'input:Colour']),
  );
});

test('the room panel keeps the names the acceptance tests use (its reaction buttons are made by panel.ts: see panel-page.test.ts)', () => {
  load('panel/panel.html');
  const names = controls().map((c) => `${c.tag}:${c.name}`);
  expect(names).toEqual(expect.arrayContaining(['textarea:Message', 'button:Send', 'button:Hide panel', 'ul:Members']));
  const log = document.querySelector('[role=log]');
  expect(log?.getAttribute('aria-label')).toBe('Chat');
});

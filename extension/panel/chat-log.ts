/**
 * The panel's log ("Chat"): one row per entry, keyed, so an update changes only what changed (a
 * reader keeps their place, a screen reader hears only new rows). Every text goes in as text
 * (`textContent` through `h`), never as HTML: a message is shown exactly as it was typed.
 */
import { h } from '../ui/dom';
import type { LogLine } from './view-model';

/** Within this many px of the bottom the log follows new rows; a reader scrolled up is left where they are. */
const FOLLOW_PX = 24;

function row(line: LogLine): HTMLElement {
  const time = h('time', { class: 'time' }, line.time);
  const text = h('span', { class: 'text' }, line.text);
  if (line.kind !== 'chat') return h('div', { class: `entry ${line.kind}`, 'data-key': line.key }, text, ' ', time);
  const name = h('span', { class: 'name' }, line.name ?? '');
  if (line.color !== null) name.style.color = line.color;
  return h('div', { class: 'entry chat', 'data-key': line.key }, h('div', { class: 'meta' }, name, ' ', time), text);
}

function update(el: HTMLElement, line: LogLine): void {
  const text = el.querySelector('.text');
  if (text !== null && text.textContent !== line.text) text.textContent = line.text;
}

export function renderLog(log: HTMLElement, lines: readonly LogLine[]): void {
  const following = log.scrollHeight - log.scrollTop - log.clientHeight <= FOLLOW_PX;
  const wanted = new Set(lines.map((l) => l.key));
  const existing = new Map<string, HTMLElement>();
  for (const child of [...log.children]) {
    if (!(child instanceof HTMLElement)) continue;
    const key = child.dataset.key ?? '';
    if (wanted.has(key)) existing.set(key, child);
    else child.remove();
  }
  let before: Element | null = log.firstElementChild;
  for (const line of lines) {
    const el = existing.get(line.key);
    if (el !== undefined) {
      update(el, line);
      if (el === before) before = el.nextElementSibling;
      continue;
    }
    log.insertBefore(row(line), before);
  }
  if (following) log.scrollTop = log.scrollHeight;
}

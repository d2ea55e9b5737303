/** The "Members" list: one <li> per member, keyed by member id so focus survives live updates. */
import type { TabRoomView } from '../messages';
import { h } from '../ui/dom';
import { memberRows, type MemberRow } from './view-model';

function rowElement(row: MemberRow, onMakeHost: (memberId: string) => void): HTMLLIElement {
  const dot = h('span', { class: 'dot', 'aria-hidden': 'true' });
  dot.style.background = row.color;
  const name = h(
    'div',
    { class: 'member-name' },
    row.name,
    row.isYou ? h('span', { class: 'badge you' }, 'you') : null,
    row.isHost ? h('span', { class: 'badge' }, 'host') : null,
  );
  const text = h('div', { class: 'member-text' }, name, h('div', { class: 'member-detail' }, row.detail));
  const li = h('li', { 'data-member-id': row.id, 'aria-label': row.label }, dot, text);
  if (row.canMakeHost) {
    const button = h('button', { type: 'button', 'aria-label': `Make ${row.name} host`, 'data-action': 'make-host' }, 'Make host');
    button.addEventListener('click', () => onMakeHost(row.id));
    li.append(button);
  }
  return li;
}

export function renderMembers(list: HTMLUListElement, room: TabRoomView, onMakeHost: (memberId: string) => void): void {
  const focused =
    document.activeElement instanceof HTMLElement
      ? document.activeElement.closest<HTMLElement>('li[data-member-id]')?.dataset.memberId
      : undefined;
  list.replaceChildren(...memberRows(room).map((row) => rowElement(row, onMakeHost)));
  if (focused !== undefined) {
    const row = [...list.querySelectorAll<HTMLLIElement>('li[data-member-id]')].find((li) => li.dataset.memberId === focused);
    const again = row?.querySelector<HTMLButtonElement>('button');
    (again ?? list.closest('section')?.querySelector<HTMLButtonElement>('#leave'))?.focus();
  }
}

/** @jest-environment jsdom */
import { renderMembers } from '../../../extension/popup/members-list';
import type { TabRoomView } from '../../../extension/messages';
import type { Member } from '../../../relay/contract/protocol';
import { DEFAULT_SETTINGS } from '../../../relay/contract/protocol';

function member(id: string, name: string, over: Partial<Member> = {}): Member {
  return { id, name, color: '#3cb44b', role: 'member', status: 'paused', offsetMs: 4, rttMs: 20, joinedAt: 1, connected: true, ...over };
}

function room(members: Member[], you: string): TabRoomView {
  return {
    code: '7K3QX9M2C4TDHA',
    private: false,
    inviteLink: 'http://x/#lockstep=7K3QX9M2C4TDHA',
    settings: DEFAULT_SETTINGS,
    members,
    you,
    timeline: { media: null, paused: true, position: 0, rate: 1, setAt: 0, seq: 0, waitingFor: [], holdUntil: null, by: null },
  };
}

describe('members list', () => {
  let list: HTMLUListElement;
  beforeEach(() => {
    document.body.innerHTML = '<section><ul id="members"></ul><button id="leave">Leave room</button></section>';
    list = document.getElementById('members') as HTMLUListElement;
  });

  test('one item per member with name, badges, status; "Make host" only for the host', () => {
    const handed: string[] = [];
    renderMembers(list, room([member('h', 'Hana', { role: 'host', status: 'playing' }), member('b', 'Bo')], 'h'), (id) => handed.push(id));
    const items = [...list.querySelectorAll('li')];
    expect(items).toHaveLength(2);
    expect(items[0]?.textContent).toBe('Hanayouhostplaying · +4 ms · 20 ms latency');
    expect(items[1]?.getAttribute('aria-label')).toBe('Bo: paused · +4 ms · 20 ms latency');
    const button = items[1]?.querySelector('button');
    expect(button?.getAttribute('aria-label')).toBe('Make Bo host');
    button?.click();
    expect(handed).toEqual(['b']);
    expect(items[0]?.querySelector('button')).toBeNull();
  });

  test('a member does not see "Make host"', () => {
    renderMembers(list, room([member('h', 'Hana', { role: 'host' }), member('b', 'Bo')], 'b'), () => undefined);
    expect(list.querySelectorAll('button')).toHaveLength(0);
  });

  test('focus on a "Make host" button survives a live update', () => {
    const r = room([member('h', 'Hana', { role: 'host' }), member('b', 'Bo')], 'h');
    renderMembers(list, r, () => undefined);
    list.querySelector('button')?.focus();
    renderMembers(list, { ...r, members: [...r.members, member('c', 'Cy')] }, () => undefined);
    expect(document.activeElement?.getAttribute('aria-label')).toBe('Make Bo host');
    renderMembers(list, { ...r, members: [r.members[0] as Member] }, () => undefined);
    expect(document.activeElement?.id).toBe('leave');
  });
});

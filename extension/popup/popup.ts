/**
 * The toolbar popup: create or join a room for one tab, share the invite, watch who is in step.
 * Everything shown comes from the background's TabState (pushed over a port on every change);
 * this file only wires the page to it. `?tab=<id>` acts on that tab instead of the active one.
 */
import browser from 'webextension-polyfill';
import { TOGGLE_PANEL_COMMAND, type ExtResult, type TabState } from '../messages';
import { parseInvite, formatRoomCode } from '../invite';
import { loadSettings } from '../settings';
import type { RoomSettings } from '../../relay/contract/protocol';
import { checkDisplayName } from '../ui/validate';
import { send } from '../ui/send';
import { byId } from '../ui/dom';
import { show } from '../ui/sections';
import { connectionText, mediaText, settingsSummary, videoText, youAreHost } from './view-model';
import { renderMembers } from './members-list';
import { listenToTab, resolveTabId } from './tab-link';

const el = {
  connection: byId('connection', HTMLParagraphElement),
  connectionText: byId('connection-text', HTMLSpanElement),
  error: byId('error', HTMLParagraphElement),
  announce: byId('announce', HTMLParagraphElement),
  lobby: byId('lobby', HTMLElement),
  videoInfo: byId('video-info', HTMLParagraphElement),
  createForm: byId('create-form', HTMLFormElement),
  createControl: byId('create-control', HTMLSelectElement),
  createWait: byId('create-wait', HTMLSelectElement),
  createNav: byId('create-nav', HTMLSelectElement),
  createPrivate: byId('create-private', HTMLInputElement),
  joinForm: byId('join-form', HTMLFormElement),
  invite: byId('invite', HTMLInputElement),
  inviteError: byId('invite-error', HTMLParagraphElement),
  room: byId('room', HTMLElement),
  roomCode: byId('room-code', HTMLSpanElement),
  roomLock: byId('room-lock', HTMLSpanElement),
  roomMedia: byId('room-media', HTMLParagraphElement),
  inviteLink: byId('invite-link', HTMLInputElement),
  copy: byId('copy', HTMLButtonElement),
  copyStatus: byId('copy-status', HTMLParagraphElement),
  members: byId('members', HTMLUListElement),
  hostSettings: byId('host-settings', HTMLDivElement),
  hostOnly: byId('host-only', HTMLInputElement),
  roomWait: byId('room-wait', HTMLSelectElement),
  roomNav: byId('room-nav', HTMLSelectElement),
  summary: byId('settings-summary', HTMLParagraphElement),
  leave: byId('leave', HTMLButtonElement),
  showPanel: byId('show-panel', HTMLButtonElement),
  panelShortcut: byId('panel-shortcut', HTMLElement),
  profileForm: byId('profile-form', HTMLFormElement),
  displayName: byId('display-name', HTMLInputElement),
  profileDot: byId('profile-dot', HTMLSpanElement),
};

let tabId = -1;
let current: TabState | null = null;
/** An error from the popup's own last action; shown until the next action. */
let actionError: string | null = null;
/** The tab's lastError as it stood when the user acted again: old news, no longer shown. */
let dismissedError: string | null = null;
let profileColor: string | undefined;

function announce(text: string): void {
  el.announce.textContent = text;
}

function showError(): void {
  const lastError = current?.lastError?.message ?? null;
  const inline = el.inviteError.hidden ? null : el.inviteError.textContent;
  const text = actionError ?? (lastError !== inline && lastError !== dismissedError ? lastError : null);
  el.error.hidden = text === null;
  el.error.textContent = text ?? '';
}

function setInviteError(message: string | null): void {
  el.inviteError.hidden = message === null;
  el.inviteError.textContent = message ?? '';
  el.invite.setAttribute('aria-invalid', String(message !== null));
}

function render(state: TabState): void {
  const previous = current;
  current = state;
  const conn = connectionText(state.connection);
  el.connection.dataset.tone = conn.tone;
  el.connectionText.textContent = conn.text;
  if (previous !== null && previous.connection.status !== state.connection.status) announce(conn.text);

  const room = state.room;
  show(el.lobby, room === null);
  show(el.room, room !== null);
  if (room === null) {
    el.videoInfo.textContent = videoText(state.video);
    el.createForm.hidden = !state.video.present;
  } else {
    el.roomCode.textContent = formatRoomCode(room.code);
    el.roomLock.hidden = !room.private;
    el.inviteLink.value = room.inviteLink;
    el.roomMedia.textContent = mediaText(room);
    renderMembers(el.members, room, (memberId) => void act(() => send('transferHost', { tabId, memberId })));
    const host = youAreHost(room);
    el.hostSettings.hidden = !host;
    el.summary.hidden = host;
    el.summary.textContent = settingsSummary(room.settings);
    el.hostOnly.checked = room.settings.controlMode === 'host';
    el.roomWait.value = room.settings.waitPolicy;
    el.roomNav.value = room.settings.navigationPolicy;
    el.showPanel.setAttribute('aria-pressed', String(state.panel !== 'hidden'));
    const focus = document.activeElement;
    if ((previous === null || previous.room === null) && (focus === null || focus === document.body || el.lobby.contains(focus)))
      el.copy.focus();
    if (previous?.room === null || previous === null)
      announce(`In room ${formatRoomCode(room.code)} with ${room.members.length} member${room.members.length === 1 ? '' : 's'}.`);
  }
  showError();
}

/** Runs one action against the background with the buttons locked; failures are shown in words. */
function dismissErrors(): void {
  actionError = null;
  setInviteError(null);
  dismissedError = current?.lastError?.message ?? null;
}

let busy = false;

/**
 * Runs one action against the background, one at a time; failures are shown in words. Buttons stay
 * enabled (disabling the focused one would drop keyboard focus); a second click meanwhile is ignored.
 */
async function act<T>(run: () => Promise<ExtResult<T>>, onOk?: (data: T) => void): Promise<ExtResult<T> | null> {
  if (busy) return null;
  busy = true;
  dismissErrors();
  document.body.setAttribute('aria-busy', 'true');
  try {
    const result = await run();
    if (result.ok) onOk?.(result.data);
    else actionError = result.message;
    return result;
  } finally {
    busy = false;
    document.body.removeAttribute('aria-busy');
    showError();
  }
}

function roomSettingsFrom(control: string, wait: string, nav: string): RoomSettings {
  return {
    controlMode: control === 'host' ? 'host' : 'everyone',
    waitPolicy: wait === 'continue' ? 'continue' : 'wait',
    navigationPolicy: nav === 'ask' ? 'ask' : 'follow',
  };
}

function wire(): void {
  el.createForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const settings = roomSettingsFrom(el.createControl.value, el.createWait.value, el.createNav.value);
    void act(() => send('createRoom', { tabId, settings, private: el.createPrivate.checked }), render);
  });
  el.joinForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const parsed = parseInvite(el.invite.value);
    if (!parsed.ok) {
      dismissErrors();
      setInviteError(parsed.message);
      showError();
      el.invite.focus();
      return;
    }
    void act(() => send('joinRoom', { tabId, invite: el.invite.value.trim() }), render).then((result) => {
      if (result !== null && !result.ok) {
        setInviteError(result.message);
        actionError = null;
        showError();
        el.invite.focus();
      }
    });
  });
  el.invite.addEventListener('input', () => setInviteError(null));
  el.leave.addEventListener('click', () => {
    void act(
      () => send('leaveRoom', { tabId }),
      (state) => {
        render(state);
        announce('You left the room.');
        el.invite.focus();
      },
    );
  });
  el.copy.addEventListener('click', () => void copyInvite());
  el.showPanel.addEventListener('click', () => {
    const show = el.showPanel.getAttribute('aria-pressed') !== 'true';
    void act(
      () => send('showPanel', { tabId, show }),
      (state) => {
        render(state);
        announce(show ? 'The room panel shows in the page.' : 'The room panel is hidden.');
      },
    );
  });
  // Settings changes queue up instead of going through act(): a host who flips the switch and
  // then picks a policy right away must not lose the second change.
  let settingsQueue: Promise<void> = Promise.resolve();
  const updateSettings = (settings: Partial<RoomSettings>): void => {
    dismissErrors();
    showError();
    settingsQueue = settingsQueue.then(async () => {
      const result = await send('updateRoomSettings', { tabId, settings });
      if (result.ok) announce('Room settings changed.');
      else {
        actionError = result.message;
        if (current) render(current); // put the controls back to what the room has
        showError();
      }
    });
  };
  el.hostOnly.addEventListener('change', () => updateSettings({ controlMode: el.hostOnly.checked ? 'host' : 'everyone' }));
  el.roomWait.addEventListener('change', () => updateSettings({ waitPolicy: el.roomWait.value === 'continue' ? 'continue' : 'wait' }));
  el.roomNav.addEventListener('change', () => updateSettings({ navigationPolicy: el.roomNav.value === 'ask' ? 'ask' : 'follow' }));
  el.profileForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const checked = checkDisplayName(el.displayName.value);
    if (!checked.ok) {
      dismissErrors();
      actionError = checked.message;
      showError();
      el.displayName.focus();
      return;
    }
    void act(
      () => send('setProfile', { name: checked.value, color: profileColor }),
      (profile) => {
        el.displayName.value = profile.name;
        announce(`Name saved: ${profile.name}`);
      },
    );
  });
}

async function copyInvite(): Promise<void> {
  el.inviteLink.select();
  try {
    await navigator.clipboard.writeText(el.inviteLink.value);
    el.copyStatus.textContent = 'Copied';
  } catch (err: unknown) {
    const why = err instanceof Error ? err.message : String(err);
    el.copyStatus.textContent = `Could not copy (${why}). The link is selected: press Ctrl+C.`;
  }
}

/** The panel shortcut as the person bound it (chrome://extensions/shortcuts, Firefox's add-on shortcuts). */
async function showShortcut(): Promise<void> {
  const commands = await browser.commands.getAll().catch(() => []);
  const shortcut = commands.find((c) => c.name === TOGGLE_PANEL_COMMAND)?.shortcut;
  el.panelShortcut.textContent = shortcut ? shortcut : 'none set';
}

async function refresh(): Promise<void> {
  const result = await send('getTabState', { tabId });
  if (result.ok) render(result.data);
  else {
    actionError = result.message;
    showError();
  }
}

async function main(): Promise<void> {
  show(el.lobby, false);
  show(el.room, false);
  wire();
  const settings = await loadSettings();
  el.displayName.value = settings.profile.name;
  profileColor = settings.profile.color;
  el.profileDot.style.background = settings.profile.color;
  el.createControl.value = settings.defaultRoomSettings.controlMode;
  el.createWait.value = settings.defaultRoomSettings.waitPolicy;
  el.createNav.value = settings.defaultRoomSettings.navigationPolicy;
  const id = await resolveTabId(location.search);
  if (id === null) {
    el.connectionText.textContent = 'No tab';
    actionError = 'Lockstep cannot find the tab to act on. Open the popup from a tab with a web page.';
    show(el.lobby, true);
    showError();
    return;
  }
  tabId = id;
  void showShortcut();
  listenToTab(tabId, render, () => void refresh());
  await refresh();
  if (current === null) show(el.lobby, true);
}

main().catch((err: unknown) => {
  el.error.hidden = false;
  el.error.textContent = `Lockstep could not start its popup: ${err instanceof Error ? err.message : String(err)}`;
});

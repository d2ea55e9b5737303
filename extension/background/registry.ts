/**
 * The worker's state, per tab: its frames and their videos (frames.ts), its room (tab-room.ts),
 * its last error and its open popups. Other modules ask and tell it through the methods below;
 * every change is persisted (tab-storage.ts), pushed to the tab's popups and shown on the badge
 * (badge.ts). `restore()` rebuilds the state when the worker starts again (the rooms then resume
 * their seats on their own).
 */
import browser from 'webextension-polyfill';
import type { ChatMessage, ErrorCode, Media, Timeline } from '../../relay/contract/protocol';
import type { OpenedReaction } from './room-codec';
import {
  LocalError,
  type BackgroundToContent,
  type ConnectionView,
  type Envelope,
  type PanelMode,
  type PanelView,
  type TabState,
  type VideoReport,
} from '../messages';
import { log } from '../log';
import { loadSettings } from '../settings';
import { TabFrames } from './frames';
import { TabRoom, type PersistedRoom, type RoomHost } from './tab-room';
import { RelayConnection } from './relay-connection';
import { hostOf, sameVideoPage } from './pages';
import { removeStoredTab, storedTabs, storeTab } from './tab-storage';
import { badgeFor, showBadge } from './badge';
import { followRoomVideo } from './follow-video';
import { NextVideo } from './next-video';
import { TabPanels, toggled } from './panels';
import { TabPrompts } from './prompts';
import { tabState } from './tab-state';
import { EMPTY_FEED } from '../room-feed';

export class Registry implements RoomHost {
  private readonly frames = new Map<number, TabFrames>();
  private readonly rooms = new Map<number, TabRoom>();
  private readonly errors = new Map<number, { code: ErrorCode | LocalError; message: string }>();
  private readonly popups = new Map<number, Set<browser.Runtime.Port>>();
  private readonly nextVideo = new NextVideo();
  private readonly panels = new TabPanels();
  /** Each tab's question or notice, shown by the prompt page in the tab's top frame (prompts.ts). */
  readonly prompts = new TabPrompts(
    (tabId, shown) => {
      const message: Envelope<BackgroundToContent> = { type: 'prompt', payload: shown };
      browser.tabs
        .sendMessage(tabId, message, { frameId: 0 })
        .catch((err: unknown) => log.debug(`tab ${tabId} cannot show a prompt:`, err));
    },
    undefined,
    (tabId) => void this.persist(tabId),
  );

  // ---- the worker starting, tabs and popups coming and going ----

  async restore(): Promise<void> {
    for await (const { tabId, tab } of storedTabs()) {
      this.frames.set(tabId, TabFrames.from(tab.frames, tab.owner));
      this.panels.restore(tabId, tab.panel ?? undefined);
      this.prompts.restore(tabId, tab.prompt);
      if (tab.room !== null) this.adopt(tabId, tab.room); // resumes on connect
    }
  }

  /** The tab started loading a document and/or its URL changed (`url`: null when unchanged). */
  navigated(tabId: number, url: string | null, newDocument: boolean): void {
    if (newDocument) {
      // The tab's 'loading' can reach us after the new document's content script already
      // reported its video (it runs at document_start): drop every report, then ask the frames
      // that are alive to report again, so a fast reload does not leave the tab without a video.
      this.framesOf(tabId).clear();
      const ask: Envelope<BackgroundToContent> = { type: 'report', payload: null };
      browser.tabs.sendMessage(tabId, ask).catch((err: unknown) => log.debug(`tab ${tabId} has no frame to report yet:`, err));
    }
    if (url !== null) {
      // Judged on the new URL only: a page judged "away" on a stale URL would make the old
      // document's last report (asked for above) announce the old page as the room's video.
      const media = this.rooms.get(tabId)?.room.timeline.media ?? null;
      this.nextVideo.pageChanged(tabId, media !== null && !sameVideoPage(url, media.url));
      this.prompts.pageChanged(tabId, url);
    }
    this.changed(tabId);
  }

  forgetTab(tabId: number): void {
    this.nextVideo.forget(tabId);
    this.panels.forget(tabId);
    this.prompts.forget(tabId);
    this.frames.delete(tabId);
    this.errors.delete(tabId);
    this.popups.delete(tabId);
    void removeStoredTab(tabId);
  }

  /** A popup for this tab connected: it gets the tab's state now and after every change, until it closes. */
  async popupOpened(tabId: number, port: browser.Runtime.Port): Promise<void> {
    const set = this.popups.get(tabId) ?? new Set();
    set.add(port);
    this.popups.set(tabId, set);
    port.onDisconnect.addListener(() => {
      set.delete(port);
      if (set.size === 0) this.rooms.get(tabId)?.watchMembers(false);
    });
    this.rooms.get(tabId)?.watchMembers(true);
    const state = await this.tabState(tabId).catch(() => null);
    if (state !== null) port.postMessage(state);
  }

  private popupOpen(tabId: number): boolean {
    return (this.popups.get(tabId)?.size ?? 0) > 0;
  }

  // ---- the room panel and the reactions overlay ----

  panelMode(tabId: number): PanelMode {
    return this.panels.mode(tabId);
  }

  /** Shows, collapses or hides the tab's panel: the top frame places it, popups and panels are told. */
  setPanelMode(tabId: number, mode: PanelMode): void {
    if (!this.panels.setMode(tabId, mode)) return;
    const message: Envelope<BackgroundToContent> = { type: 'panel', payload: mode };
    browser.tabs.sendMessage(tabId, message, { frameId: 0 }).catch((err: unknown) => log.debug(`tab ${tabId} cannot show a panel:`, err));
    this.changed(tabId);
  }

  /** The panel shortcut: shows the panel, or hides it when it shows (open or collapsed). */
  togglePanel(tabId: number): void {
    this.setPanelMode(tabId, toggled(this.panels.mode(tabId)));
  }

  /** A panel page (frame `frameId` of the tab) connected: it gets the tab's panel view now and after every change. */
  panelOpened(tabId: number, frameId: number, port: browser.Runtime.Port): void {
    this.panels.panelOpened(tabId, frameId, port);
    void this.pushState(tabId);
  }

  panelVisible(tabId: number, frameId: number, visible: boolean): void {
    if (this.panels.panelVisible(tabId, frameId, visible)) this.changed(tabId);
  }

  overlayOpened(tabId: number, port: browser.Runtime.Port): void {
    this.panels.overlayOpened(tabId, port);
  }

  /** The settings changed: open popups show the relay a new room would use. */
  settingsChanged(): void {
    for (const tabId of this.popups.keys()) void this.pushState(tabId);
  }

  // ---- rooms ----

  roomOf(tabId: number): TabRoom | undefined {
    return this.rooms.get(tabId);
  }

  /** The rooms of every tab (one room a tab). */
  allRooms(): TabRoom[] {
    return [...this.rooms.values()];
  }

  /** Takes over an already connected socket after create/join. */
  adoptConnected(tabId: number, conn: RelayConnection, joined: PersistedRoom): TabRoom {
    const room = new TabRoom(tabId, conn, joined, this);
    this.rooms.set(tabId, room);
    room.watchMembers(this.popupOpen(tabId));
    this.errors.delete(tabId);
    this.prompts.clear(tabId, 'join');
    this.changed(tabId);
    this.toOwner(tabId, 'sync', room.frameSync());
    return room;
  }

  /** The tab is no longer in its room: `leave` tells the relay, else the seat is only let go here. */
  async drop(tabId: number, leave: boolean): Promise<void> {
    const room = this.rooms.get(tabId);
    if (room === undefined) return;
    this.rooms.delete(tabId);
    this.nextVideo.roomLeft(tabId);
    this.panels.clearUnread(tabId);
    this.prompts.clear(tabId, 'follow');
    this.toOwner(tabId, 'sync', null);
    this.changed(tabId);
    if (leave) await room.leave();
    else room.dispose();
  }

  /** Records a failure for the tab's popup, until the tab enters a room. */
  fail(tabId: number, code: ErrorCode | LocalError, message: string): void {
    this.errors.set(tabId, { code, message });
    this.changed(tabId);
  }

  /** Tells the person something in the tab (the prompt page's notice, with a Close button). */
  notice(tabId: number, title: string, message: string): void {
    this.prompts.ask(tabId, { view: { kind: 'notice', title, message } });
  }

  /** Starts following a room this tab has a seat in. */
  private adopt(tabId: number, joined: PersistedRoom): TabRoom {
    const conn = new RelayConnection(joined.relayUrl, () => {
      if (this.rooms.has(tabId)) this.changed(tabId);
    });
    const room = new TabRoom(tabId, conn, joined, this);
    this.rooms.set(tabId, room);
    room.watchMembers(this.popupOpen(tabId));
    this.errors.delete(tabId);
    this.changed(tabId);
    return room;
  }

  // ---- frames and their videos ----

  /**
   * A frame reported its video: the tab's owner frame is chosen again (owner.ts), a frame that
   * lost the role is told so. Returns the owner frame now.
   */
  videoReported(tabId: number, frameId: number, report: VideoReport): number | null {
    const { owner, previous } = this.framesOf(tabId).report(frameId, report);
    if (previous !== null && previous !== owner) this.toFrame(tabId, previous, 'sync', null);
    this.changed(tabId);
    return owner;
  }

  /** The frame that owns the tab's video, if any. */
  ownerFrame(tabId: number): number | null {
    return this.framesOf(tabId).owner;
  }

  /** The owner frame's report of the tab's video, if any. */
  ownerVideo(tabId: number): VideoReport | null {
    return this.framesOf(tabId).ownerReport();
  }

  // ---- this tab bringing its room to its video (next-video.ts) ----

  /** This tab's video just became the room's: its details may follow for MEDIA_DETAILS_MS. */
  mediaBecameRoomVideo(tabId: number): void {
    this.nextVideo.becameRoomVideo(tabId, Date.now());
  }

  /** True once after the tab left the room's video page: the video it reports now is the room's next one. */
  takeLeftRoomVideo(tabId: number): boolean {
    return this.nextVideo.takeLeftRoomVideo(tabId);
  }

  /** Whether the details the tab reports of its video still update the room's (MEDIA_DETAILS_MS). */
  mediaDetailsStillWelcome(tabId: number): boolean {
    return this.nextVideo.detailsStillWelcome(tabId, Date.now());
  }

  // ---- RoomHost ----

  changed(tabId: number): void {
    void this.persist(tabId);
    void this.pushState(tabId);
    void this.badge(tabId);
  }

  timeline(tabId: number, t: Timeline, previous: Timeline): void {
    this.toOwner(tabId, 'timeline', t);
    const room = this.rooms.get(tabId);
    if (room === undefined || t.media === null || t.by === room.memberId) return;
    if (previous.media !== null && previous.media.url === t.media.url) return;
    void this.followMedia(tabId, t.media, room.room.settings.navigationPolicy === 'ask');
  }

  resumed(tabId: number): void {
    const room = this.rooms.get(tabId);
    if (room === undefined) return;
    this.toOwner(tabId, 'reconnected', null);
    this.toOwner(tabId, 'sync', room.frameSync());
    // The room may have moved on to another video while this member was away.
    const media = room.room.timeline.media;
    if (media !== null) void this.followMedia(tabId, media, room.room.settings.navigationPolicy === 'ask');
  }

  lost(tabId: number, error: ErrorCode | LocalError, message: string): void {
    void this.drop(tabId, false);
    this.fail(tabId, error, message);
  }

  /** The room stays (the rest of it opens), and the popup says what was not shown. */
  unopenable(tabId: number, message: string): void {
    this.fail(tabId, LocalError.DamagedInvite, message);
  }

  chat(tabId: number, message: ChatMessage): void {
    this.panels.chatArrived(tabId, message.from === this.rooms.get(tabId)?.memberId);
  }

  /** Floats over the video: the owner frame shows its overlay, which the background tells what to show. */
  reaction(tabId: number, r: OpenedReaction): void {
    const member = this.rooms.get(tabId)?.room.members.find((m) => m.id === r.from);
    this.panels.reaction(tabId, {
      id: `${r.from}:${r.at}`,
      emoji: r.emoji,
      name: member?.name ?? 'Someone',
      color: member?.color ?? '#888888',
    });
    this.toOwner(tabId, 'reactions', null);
  }

  // ---- what the popup shows ----

  async tabState(tabId: number): Promise<TabState> {
    const tab = await browser.tabs.get(tabId);
    const room = this.rooms.get(tabId);
    const owner = this.framesOf(tabId).ownerReport();
    // Read now, not cached: the relay a new room would use is the one saved last.
    const connection: ConnectionView = room?.conn.view() ?? {
      status: 'idle',
      relayUrl: (await loadSettings()).relayUrl,
      detail: null,
      rttMs: null,
    };
    return tabState(tabId, { tab, room, owner, connection, lastError: this.errors.get(tabId) ?? null, panel: this.panels.mode(tabId) });
  }

  // ---- helpers ----

  private framesOf(tabId: number): TabFrames {
    let f = this.frames.get(tabId);
    if (f === undefined) {
      f = new TabFrames();
      this.frames.set(tabId, f);
    }
    return f;
  }

  /** The room is on another video than before: the tab follows it (follow-video.ts). */
  private followMedia(tabId: number, media: Media, askPolicy: boolean): Promise<void> {
    return followRoomVideo(tabId, media, askPolicy, {
      // A frame owning the video means the content script runs in the tab (its top frame shows the prompt).
      canAsk: () => this.framesOf(tabId).owner !== null,
      ask: (m) =>
        void this.prompts.ask(tabId, { view: { kind: 'follow', title: m.title || m.url, host: hostOf(m.url), url: m.url }, media: m }),
    });
  }

  /** Sends a message to the frame that owns the tab's video, if there is one. */
  private toOwner<K extends keyof BackgroundToContent>(tabId: number, type: K, payload: BackgroundToContent[K]['payload']): void {
    const frames = this.framesOf(tabId);
    const frameId = frames.owner;
    if (frameId === null) return;
    this.toFrame(tabId, frameId, type, payload);
  }

  private toFrame<K extends keyof BackgroundToContent>(
    tabId: number,
    frameId: number,
    type: K,
    payload: BackgroundToContent[K]['payload'],
  ): void {
    const message = { type, payload } as Envelope<BackgroundToContent>;
    browser.tabs.sendMessage(tabId, message, { frameId }).catch((err: unknown) => {
      // The frame is gone (navigated, closed): forget it so another frame can own the video.
      log.debug(`frame ${tabId}/${frameId} unreachable:`, err);
      const frames = this.framesOf(tabId);
      const { owner, previous } = frames.forget(frameId);
      if (owner !== previous && owner !== null) {
        const room = this.rooms.get(tabId);
        this.toFrame(tabId, owner, 'sync', room === undefined ? null : room.frameSync());
      }
      this.changed(tabId);
    });
  }

  private async persist(tabId: number): Promise<void> {
    const frames = this.frames.get(tabId);
    const room = this.rooms.get(tabId);
    const panel = this.panels.stored(tabId);
    const prompt = this.prompts.current(tabId);
    if (frames === undefined && room === undefined && panel === null && prompt === null) return;
    await storeTab(tabId, { frames: frames?.entries() ?? [], owner: frames?.owner ?? null, room: room?.state ?? null, panel, prompt });
  }

  /** The tab's popups get its TabState, its panels their PanelView. */
  private async pushState(tabId: number): Promise<void> {
    const ports = this.popups.get(tabId);
    const popups = ports !== undefined && ports.size > 0;
    if (!popups && !this.panels.hasPanel(tabId)) return;
    const state = await this.tabState(tabId).catch(() => null);
    if (state === null) return;
    if (popups) for (const port of ports) port.postMessage(state);
    const room = this.rooms.get(tabId);
    const feed = room?.feed ?? EMPTY_FEED;
    const notice = state.room !== null && state.lastError?.code === LocalError.DamagedInvite ? state.lastError.message : null;
    const view: PanelView = {
      mode: state.panel,
      connection: state.connection,
      room: state.room,
      unread: this.panels.unread(tabId),
      feed,
      notice,
    };
    this.panels.pushPanels(tabId, view, `${room?.code ?? ''}:${feed.version}`);
  }

  private badge(tabId: number): Promise<void> {
    const room = this.rooms.get(tabId);
    return showBadge(
      tabId,
      badgeFor(
        room === undefined ? null : { members: room.room.members, status: room.conn.view().status, unread: this.panels.unread(tabId) },
      ),
    );
  }
}

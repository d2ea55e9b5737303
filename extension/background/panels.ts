/**
 * Each tab's room panel and reactions overlay, as the background sees them: how the panel shows
 * (hidden, open, collapsed: remembered per tab, persisted with it), the chat that arrived while it
 * could not be seen (unread), the panel pages and overlays connected over ports, and the reactions
 * of the last moments (an overlay inserted because of a reaction gets it once it connects).
 */
import type browser from 'webextension-polyfill';
import type { FloatingReaction, OverlayMessage, PanelMode, PanelView } from '../messages';
import { log } from '../log';

type Port = browser.Runtime.Port;

/** What is persisted with the tab (tab-storage.ts). */
export interface StoredPanel {
  mode: PanelMode;
  unread: number;
}

/** A reaction floats this long (ms); one that arrives for an overlay still loading is shown if this recent. */
export const REACTION_SHOW_MS = 2000;

interface PanelPort {
  port: Port;
  /** The panel says it can be seen (its tab is visible). */
  visible: boolean;
  /** Which log (room and version) this port was last sent: it is sent again only when it changed. */
  feedKey: string | null;
}

export const PANEL_MODES: readonly PanelMode[] = ['hidden', 'open', 'collapsed'];

export function isPanelMode(value: unknown): value is PanelMode {
  return (PANEL_MODES as readonly unknown[]).includes(value);
}

/** The unread count after a chat message: read at once when the panel is seen or the message is one's own. */
export function unreadAfterMessage(unread: number, viewing: boolean, fromYou: boolean): number {
  return viewing || fromYou ? unread : unread + 1;
}

/** The mode the panel shortcut (and the popup's toggle) goes to from `mode`. */
export function toggled(mode: PanelMode): PanelMode {
  return mode === 'hidden' ? 'open' : 'hidden';
}

export class TabPanels {
  private readonly state = new Map<number, StoredPanel>();
  /** Per tab, per frame id of the panel page. */
  private readonly panels = new Map<number, Map<number, PanelPort>>();
  private readonly overlays = new Map<number, Set<Port>>();
  private readonly recent = new Map<number, Array<{ reaction: FloatingReaction; at: number }>>();

  constructor(private readonly now: () => number = Date.now) {}

  restore(tabId: number, stored: StoredPanel | undefined): void {
    if (stored !== undefined && isPanelMode(stored.mode) && Number.isInteger(stored.unread))
      this.state.set(tabId, { mode: stored.mode, unread: Math.max(0, stored.unread) });
  }

  /** What to persist; null when the tab never had a panel. */
  stored(tabId: number): StoredPanel | null {
    return this.state.get(tabId) ?? null;
  }

  mode(tabId: number): PanelMode {
    return this.state.get(tabId)?.mode ?? 'hidden';
  }

  unread(tabId: number): number {
    return this.state.get(tabId)?.unread ?? 0;
  }

  /** True when the mode changed. Opening the panel reads what it shows, if it can be seen. */
  setMode(tabId: number, mode: PanelMode): boolean {
    const current = this.state.get(tabId) ?? { mode: 'hidden', unread: 0 };
    if (current.mode === mode) return false;
    this.state.set(tabId, { ...current, mode });
    this.readIfViewing(tabId);
    return true;
  }

  /** The panel is open and one of its pages says it can be seen. */
  viewing(tabId: number): boolean {
    if (this.mode(tabId) !== 'open') return false;
    return [...(this.panels.get(tabId)?.values() ?? [])].some((p) => p.visible);
  }

  /** A chat message reached the tab's log; true when the unread count changed. */
  chatArrived(tabId: number, fromYou: boolean): boolean {
    const current = this.state.get(tabId) ?? { mode: 'hidden' as const, unread: 0 };
    const unread = unreadAfterMessage(current.unread, this.viewing(tabId), fromYou);
    if (unread === current.unread) return false;
    this.state.set(tabId, { ...current, unread });
    return true;
  }

  /** The tab left its room: nothing is unread any more. True when that changed something. */
  clearUnread(tabId: number): boolean {
    const current = this.state.get(tabId);
    if (current === undefined || current.unread === 0) return false;
    this.state.set(tabId, { ...current, unread: 0 });
    return true;
  }

  /** A panel page connected from frame `frameId` of the tab. */
  panelOpened(tabId: number, frameId: number, port: Port): void {
    const ports = this.panels.get(tabId) ?? new Map<number, PanelPort>();
    this.panels.set(tabId, ports);
    ports.get(frameId)?.port.disconnect();
    ports.set(frameId, { port, visible: false, feedKey: null });
    port.onDisconnect.addListener(() => {
      if (ports.get(frameId)?.port === port) ports.delete(frameId);
    });
  }

  /** The panel in `frameId` can (or cannot) be seen; true when the unread count changed. */
  panelVisible(tabId: number, frameId: number, visible: boolean): boolean {
    const panel = this.panels.get(tabId)?.get(frameId);
    if (panel === undefined) return false;
    panel.visible = visible;
    return this.readIfViewing(tabId);
  }

  /**
   * Sends each connected panel of the tab `view`; its feed goes only to ports not yet sent `feedKey`
   * (the room's code and the feed's version: another room's log may have reached the same version).
   */
  pushPanels(tabId: number, view: PanelView, feedKey: string): void {
    for (const panel of this.panels.get(tabId)?.values() ?? []) {
      const message: PanelView = feedKey === panel.feedKey ? { ...view, feed: null } : view;
      panel.feedKey = post(panel.port, message) ? feedKey : null;
    }
  }

  hasPanel(tabId: number): boolean {
    return (this.panels.get(tabId)?.size ?? 0) > 0;
  }

  /** A reactions overlay connected: it gets the reactions of the last REACTION_SHOW_MS, then each new one. */
  overlayOpened(tabId: number, port: Port): void {
    const ports = this.overlays.get(tabId) ?? new Set<Port>();
    this.overlays.set(tabId, ports);
    ports.add(port);
    port.onDisconnect.addListener(() => ports.delete(port));
    const fresh = this.fresh(tabId).map((r) => r.reaction);
    if (fresh.length > 0) post(port, { reactions: fresh });
  }

  reaction(tabId: number, reaction: FloatingReaction): void {
    this.recent.set(tabId, [...this.fresh(tabId), { reaction, at: this.now() }]);
    for (const port of this.overlays.get(tabId) ?? []) post(port, { reactions: [reaction] });
  }

  forget(tabId: number): void {
    this.state.delete(tabId);
    this.recent.delete(tabId);
    for (const p of this.panels.get(tabId)?.values() ?? []) p.port.disconnect();
    for (const p of this.overlays.get(tabId) ?? []) p.disconnect();
    this.panels.delete(tabId);
    this.overlays.delete(tabId);
  }

  private fresh(tabId: number): Array<{ reaction: FloatingReaction; at: number }> {
    const since = this.now() - REACTION_SHOW_MS;
    return (this.recent.get(tabId) ?? []).filter((r) => r.at >= since);
  }

  private readIfViewing(tabId: number): boolean {
    const current = this.state.get(tabId);
    if (current === undefined || current.unread === 0 || !this.viewing(tabId)) return false;
    this.state.set(tabId, { ...current, unread: 0 });
    return true;
  }
}

/** False when the page went away meanwhile (its onDisconnect forgets the port). */
function post(port: Port, message: OverlayMessage | PanelView): boolean {
  try {
    port.postMessage(message);
    return true;
  } catch (err) {
    log.debug('a panel or overlay port closed before a push', err);
    return false;
  }
}

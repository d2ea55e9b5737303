/**
 * Each tab's prompt: the one question (join an invite's room, follow the room to its next video) or
 * notice the person is shown in the tab, by the prompt page (prompt.html) in an extension iframe,
 * never in the page's DOM. What to do on "yes" stays here (the invite, the media): the prompt page
 * only ever sends back the prompt's id and yes or no, so an answer cannot carry what to join or open.
 *
 * One prompt a tab: a new one replaces the one shown (a second invite, the room moving on again).
 * Persisted with the tab (`changed` → tab-storage.ts): Chrome stops an idle worker after 30 s, and
 * a person may take longer than that to answer. No browser here: the top frame is told through `tell`.
 */
import type browser from 'webextension-polyfill';
import type { Media } from '../../relay/contract/protocol';
import type { PromptMessage, PromptView } from '../messages';
import { log } from '../log';
import { sameVideoPage } from './pages';

type Port = browser.Runtime.Port;
type ViewOf<K extends PromptView['kind']> = Extract<PromptView, { kind: K }>;
type Unnumbered<V> = V extends unknown ? Omit<V, 'id'> : never;

/** A prompt with what the background does when the person says yes. */
export type Pending =
  { view: ViewOf<'join'>; invite: string; pageUrl: string | null } | { view: ViewOf<'follow'>; media: Media } | { view: ViewOf<'notice'> };

export type NewPrompt =
  | { view: Unnumbered<ViewOf<'join'>>; invite: string; pageUrl: string | null }
  | { view: Unnumbered<ViewOf<'follow'>>; media: Media }
  | { view: Unnumbered<ViewOf<'notice'>> };

export class TabPrompts {
  private readonly pending = new Map<number, Pending>();
  private readonly ports = new Map<number, Set<Port>>();

  constructor(
    /** Tells the tab's top frame whether to show the prompt page's frame. */
    private readonly tell: (tabId: number, shown: boolean) => void,
    private readonly newId: () => string = () => crypto.randomUUID(),
    /** The tab's prompt changed: persist it. */
    private readonly changed: (tabId: number) => void = () => undefined,
  ) {}

  /** The tab's prompt as stored by a worker before this one (checked: it is read back from storage). */
  restore(tabId: number, stored: unknown): void {
    if (isPending(stored)) this.pending.set(tabId, stored);
  }

  /** Shows `prompt` in the tab (in place of the one shown); returns its id. */
  ask(tabId: number, prompt: NewPrompt): string {
    const id = this.newId();
    const had = this.pending.has(tabId);
    this.pending.set(tabId, { ...prompt, view: { ...prompt.view, id } } as Pending);
    this.changed(tabId);
    this.push(tabId);
    if (!had) this.tell(tabId, true);
    return id;
  }

  current(tabId: number): Pending | null {
    return this.pending.get(tabId) ?? null;
  }

  /** The prompt `id` answered: it is removed and returned; null when it is not the one shown (stale, forged, answered). */
  take(tabId: number, id: string): Pending | null {
    const p = this.pending.get(tabId);
    if (p === undefined || p.view.id !== id) return null;
    this.remove(tabId);
    return p;
  }

  /** Removes the tab's prompt if it is of `kind` (all kinds when omitted). */
  clear(tabId: number, kind?: PromptView['kind']): void {
    const p = this.pending.get(tabId);
    if (p !== undefined && (kind === undefined || p.view.kind === kind)) this.remove(tabId);
  }

  /**
   * The tab's page is now `url`: an invite's question belongs to the page it was opened on, and
   * "open the room's video?" is moot once the tab is there.
   */
  pageChanged(tabId: number, url: string): void {
    const p = this.pending.get(tabId);
    if (p === undefined) return;
    if ('invite' in p && p.pageUrl !== null && !sameVideoPage(url, p.pageUrl)) this.remove(tabId);
    else if ('media' in p && sameVideoPage(url, p.media.url)) this.remove(tabId);
  }

  /** A prompt page of the tab connected: it gets the prompt now and on every change; with none, the frame closes. */
  opened(tabId: number, port: Port): void {
    const set = this.ports.get(tabId) ?? new Set<Port>();
    this.ports.set(tabId, set);
    set.add(port);
    port.onDisconnect.addListener(() => set.delete(port));
    const view = this.pending.get(tabId)?.view ?? null;
    post(port, { prompt: view });
    if (view === null) this.tell(tabId, false);
  }

  forget(tabId: number): void {
    this.pending.delete(tabId);
    for (const port of this.ports.get(tabId) ?? []) port.disconnect();
    this.ports.delete(tabId);
  }

  private remove(tabId: number): void {
    this.pending.delete(tabId);
    this.changed(tabId);
    this.push(tabId);
    this.tell(tabId, false);
  }

  private push(tabId: number): void {
    const message: PromptMessage = { prompt: this.pending.get(tabId)?.view ?? null };
    for (const port of this.ports.get(tabId) ?? []) post(port, message);
  }
}

const isText = (v: unknown): v is string => typeof v === 'string';

function isPending(v: unknown): v is Pending {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as { view?: Record<string, unknown>; invite?: unknown; media?: { url?: unknown } };
  const view = p.view;
  if (typeof view !== 'object' || view === null || !isText(view.id)) return false;
  if (view.kind === 'join') return isText(p.invite) && isText(view.code) && isText(view.relayUrl) && typeof view.private === 'boolean';
  if (view.kind === 'follow') return isText(p.media?.url) && isText(view.title) && isText(view.host);
  return view.kind === 'notice' && isText(view.title) && isText(view.message);
}

function post(port: Port, message: PromptMessage): void {
  try {
    port.postMessage(message);
  } catch (err) {
    log.debug('a prompt page closed before a push', err);
  }
}

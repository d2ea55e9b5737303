/**
 * The message protocol between the Netflix adapter (isolated world) and netflix-main.ts (the
 * page's MAIN world, where `window.netflix` lives). The page is hostile, and it shares the DOM
 * with both: anything dispatched on `document` or `window` it can hear and forge. So:
 *
 * - **A private channel, opened before the page's scripts run.** Both scripts are injected at
 *   document_start, before any script of the page's. The isolated side dispatches HELLO_EVENT (its
 *   nonce) on a fresh element it puts in the document and removes again at once; the MAIN side keeps
 *   that element as the channel (`event.target`) and its nonce, and answers to nothing else for the
 *   rest of the document's life. Whichever side runs second completes it (the MAIN side announces
 *   itself with READY_EVENT). Commands and replies are then dispatched on the detached element,
 *   without bubbling: no listener of the page's sees them, and the page holds no reference to the
 *   element to dispatch on.
 * - **Matched by the nonce**, per frame and document: the MAIN side runs commands carrying the
 *   channel's nonce only, the isolated side settles only replies to commands it sent, by nonce and id.
 * - **Commands are play, pause and seek, nothing else**, and only the isolated side sends them (as
 *   the engine decided, for the room); a reply only settles that command's promise. Nothing that
 *   crosses the bridge can start a join, a seek of its own or a navigation.
 *
 * Details are JSON strings (objects do not cross worlds; strings do in Chrome and Firefox), parsed
 * with the JSON functions as they were at document_start (a page may replace the global's later).
 */

export const HELLO_EVENT = 'lockstep:netflix-hello';
export const READY_EVENT = 'lockstep:netflix-ready';
export const COMMAND_EVENT = 'lockstep:netflix-command';
export const REPLY_EVENT = 'lockstep:netflix-reply';

export type BridgeOp = 'play' | 'pause' | 'seek';

export interface BridgeHello {
  nonce: string;
}

export interface BridgeCommand {
  nonce: string;
  id: number;
  op: BridgeOp;
  /** Milliseconds, for 'seek'. */
  ms?: number;
}

export interface BridgeReply {
  nonce: string;
  /** The command's id; 0 answers the hello (the channel is open). */
  id: number;
  ok: boolean;
  error?: string;
}

const OPS: readonly string[] = ['play', 'pause', 'seek'];
const NONCE = /^[0-9a-f]{32}$/;
const parseJson = JSON.parse.bind(JSON);
export const toJson: (value: unknown) => string = JSON.stringify.bind(JSON);

function parse(detail: unknown): Record<string, unknown> | null {
  if (typeof detail !== 'string' || detail.length > 1000) return null;
  try {
    const value: unknown = parseJson(detail);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null; // not our message: another script's event with the same name
  }
}

const idOf = (m: Record<string, unknown>): number | null => (Number.isSafeInteger(m.id) && (m.id as number) >= 0 ? (m.id as number) : null);

export function decodeHello(detail: unknown): BridgeHello | null {
  const m = parse(detail);
  return m !== null && typeof m.nonce === 'string' && NONCE.test(m.nonce) ? { nonce: m.nonce } : null;
}

export function decodeCommand(detail: unknown): BridgeCommand | null {
  const m = parse(detail);
  const id = m === null ? null : idOf(m);
  if (!m || typeof m.nonce !== 'string' || id === null || id === 0 || typeof m.op !== 'string' || !OPS.includes(m.op)) return null;
  if (m.op === 'seek' && (typeof m.ms !== 'number' || !Number.isFinite(m.ms) || m.ms < 0)) return null;
  return { nonce: m.nonce, id, op: m.op as BridgeOp, ...(m.op === 'seek' ? { ms: m.ms as number } : {}) };
}

export function decodeReply(detail: unknown): BridgeReply | null {
  const m = parse(detail);
  const id = m === null ? null : idOf(m);
  if (!m || typeof m.nonce !== 'string' || id === null || typeof m.ok !== 'boolean') return null;
  return { nonce: m.nonce, id, ok: m.ok, ...(typeof m.error === 'string' ? { error: m.error.slice(0, 200) } : {}) };
}

/** 128 random bits, as 32 hex digits. */
export function randomNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

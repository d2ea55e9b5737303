/**
 * The message protocol between the Netflix adapter (isolated world) and netflix-main.ts (the
 * page's MAIN world, where `window.netflix` lives). Both sides talk through CustomEvents on
 * `document` whose detail is a JSON string (objects do not cross worlds; strings do in Chrome and
 * Firefox). Every message carries the nonce the isolated side picked: the main side answers only
 * that nonce once it has seen it, and the adapter drops replies without it.
 */

export const COMMAND_EVENT = 'lockstep:netflix-command';
export const REPLY_EVENT = 'lockstep:netflix-reply';

export type BridgeOp = 'hello' | 'play' | 'pause' | 'seek';

export interface BridgeCommand {
  nonce: string;
  id: number;
  op: BridgeOp;
  /** Milliseconds, for 'seek'. */
  ms?: number;
}

export interface BridgeReply {
  nonce: string;
  id: number;
  ok: boolean;
  error?: string;
}

const OPS: readonly string[] = ['hello', 'play', 'pause', 'seek'];

function parse(detail: unknown): Record<string, unknown> | null {
  if (typeof detail !== 'string' || detail.length > 1000) return null;
  try {
    const value: unknown = JSON.parse(detail);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null; // not our message: another script's event with the same name
  }
}

export function decodeCommand(detail: unknown): BridgeCommand | null {
  const m = parse(detail);
  if (!m || typeof m.nonce !== 'string' || !Number.isInteger(m.id) || typeof m.op !== 'string' || !OPS.includes(m.op)) return null;
  if (m.op === 'seek' && (typeof m.ms !== 'number' || !Number.isFinite(m.ms) || m.ms < 0)) return null;
  return { nonce: m.nonce, id: m.id as number, op: m.op as BridgeOp, ...(m.op === 'seek' ? { ms: m.ms as number } : {}) };
}

export function decodeReply(detail: unknown): BridgeReply | null {
  const m = parse(detail);
  if (!m || typeof m.nonce !== 'string' || !Number.isInteger(m.id) || typeof m.ok !== 'boolean') return null;
  return { nonce: m.nonce, id: m.id as number, ok: m.ok, ...(typeof m.error === 'string' ? { error: m.error } : {}) };
}

export function randomNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

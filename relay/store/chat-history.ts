/**
 * The room's chat history rule, pure: the last LIMITS.chatHistoryCount messages whose text takes
 * at most LIMITS.chatHistoryBytes of UTF-8 in total, oldest first; an append drops the oldest until
 * both hold. The memory store applies it here; the Redis store's append script applies the same
 * rule with the same caps and the byte sizes computed here (relay/redis/chat-scripts.ts).
 */
import { LIMITS, type ChatMessage } from '../contract/protocol';

export interface ChatCaps {
  count: number;
  bytes: number;
}

export const CHAT_CAPS: ChatCaps = { count: LIMITS.chatHistoryCount, bytes: LIMITS.chatHistoryBytes };

/**
 * UTF-8 bytes of a message's text, as the cap counts them. A lone surrogate counts as the three
 * bytes of U+FFFD, which is what encoding it to UTF-8 gives.
 */
export function textBytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** The history with `message` appended and the oldest dropped until both caps hold (a new array). */
export function appendCapped(history: readonly ChatMessage[], message: ChatMessage, caps: ChatCaps = CHAT_CAPS): ChatMessage[] {
  const next = [...history, message];
  let total = next.reduce((sum, m) => sum + textBytes(m.text), 0);
  let drop = Math.max(0, next.length - caps.count);
  for (let i = 0; i < drop; i++) total -= textBytes(next[i]!.text);
  while (drop < next.length && total > caps.bytes) total -= textBytes(next[drop++]!.text);
  return drop === 0 ? next : next.slice(drop);
}

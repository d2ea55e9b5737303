/**
 * What the room panel (panel.html, embedded in a tab) asks of the background (PanelToBackground).
 * The tab is the sender's (`sender.tab`, checked in senders.ts): a panel acts for its own tab only.
 */
import { ErrorCode, LIMITS, REACTIONS } from '../../relay/contract/protocol';
import { LocalError, type PanelToBackground } from '../messages';
import { failure } from './errors';
import { isPanelMode } from './panels';
import type { Handlers } from './popup-handlers';
import type { Registry } from './registry';

export function panelHandlers(reg: Registry): Handlers<PanelToBackground> {
  const roomOf = (tabId: number | null) => (tabId === null ? undefined : reg.roomOf(tabId));
  return {
    sendChat: async ({ text }, { tabId }) => {
      const room = roomOf(tabId);
      if (room === undefined) return failure(ErrorCode.NotInRoom);
      const trimmed = typeof text === 'string' ? text.trim() : '';
      if (trimmed.length === 0 || trimmed.length > LIMITS.chatMaxLength)
        return failure(LocalError.InvalidInput, `A message has 1 to ${LIMITS.chatMaxLength} characters.`);
      return room.chat(trimmed);
    },

    sendReaction: async ({ emoji }, { tabId }) => {
      const room = roomOf(tabId);
      if (room === undefined) return failure(ErrorCode.NotInRoom);
      if (!(REACTIONS as readonly unknown[]).includes(emoji)) return failure(LocalError.InvalidInput);
      return room.react(emoji);
    },

    setPanelMode: async ({ mode }, { tabId }) => {
      if (tabId === null) return failure(LocalError.Forbidden);
      if (!isPanelMode(mode)) return failure(LocalError.InvalidInput);
      reg.setPanelMode(tabId, mode);
      return { ok: true, data: null };
    },

    panelVisible: async ({ visible }, { tabId, frameId }) => {
      if (tabId === null || frameId === null) return failure(LocalError.Forbidden);
      reg.panelVisible(tabId, frameId, visible === true);
      return { ok: true, data: null };
    },

    transferHost: async ({ memberId }, { tabId }) => roomOf(tabId)?.transferHost(memberId) ?? failure(ErrorCode.NotInRoom),
  };
}

/**
 * What the prompt page (prompt.html, embedded in a tab) asks of the background (PromptToBackground):
 * the person's answer to the tab's prompt. The tab is the sender's (`sender.tab`, checked in
 * senders.ts); the answer names the prompt by id and says yes or no, and what "yes" does is what
 * the background kept with the prompt (prompts.ts): an answer cannot say what to join or open.
 */
import browser from 'webextension-polyfill';
import { LocalError, type PromptToBackground } from '../messages';
import { log } from '../log';
import { failure } from './errors';
import { webPage } from './pages';
import { joinTab, type Handlers } from './popup-handlers';
import type { Registry } from './registry';

export function promptHandlers(reg: Registry): Handlers<PromptToBackground> {
  return {
    answerPrompt: async ({ id, accept }, { tabId }) => {
      if (tabId === null) return failure(LocalError.Forbidden);
      if (typeof id !== 'string' || typeof accept !== 'boolean') return failure(LocalError.InvalidInput);
      const prompt = reg.prompts.take(tabId, id);
      if (prompt === null) return failure(LocalError.InvalidInput, 'That question is no longer asked.');
      if (!accept) return { ok: true, data: null };
      if ('invite' in prompt) {
        const joined = await joinTab(reg, tabId, prompt.invite, false);
        if (joined.ok) return { ok: true, data: null };
        reg.notice(tabId, 'could not join the room', joined.message);
        return joined;
      }
      if ('media' in prompt) {
        // The room may have moved on again meanwhile: only its current video is opened.
        const now = reg.roomOf(tabId)?.room.timeline.media ?? null;
        if (now === null || now.url !== prompt.media.url || webPage(now.url) === null)
          return failure(LocalError.InvalidInput, 'The room is no longer on that video.');
        await browser.tabs.update(tabId, { url: now.url });
        log.info('following the room to its video, as the person asked');
      }
      return { ok: true, data: null };
    },
  };
}

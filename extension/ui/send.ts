/**
 * The extension pages' typed line to the background worker: the popup and options page speak
 * PopupToBackground, the room panel PanelToBackground. A failure to deliver (worker not started,
 * extension reloaded) becomes an ExtResult in words, never a thrown error.
 */
import browser from 'webextension-polyfill';
import type { ExtResult, PanelToBackground, PopupToBackground } from '../messages';
import { ErrorCode } from '../../relay/contract/protocol';

type MessageMap<M> = { [K in keyof M]: { payload: unknown; response: unknown } };

/** A `send` for one message map. */
export function messenger<M extends MessageMap<M>>(): <K extends keyof M & string>(
  type: K,
  payload: M[K]['payload'],
) => Promise<M[K]['response']> {
  return async (type, payload) => {
    try {
      const answer = (await browser.runtime.sendMessage({ type, payload })) as unknown;
      if (answer === undefined || answer === null)
        return noAnswer(`Lockstep's background did not answer "${type}". Reload the extension and try again.`);
      return answer;
    } catch (err: unknown) {
      const why = err instanceof Error ? err.message : String(err);
      return noAnswer(`Lockstep's background is not responding (${why}). Reload the extension and try again.`);
    }
  };
}

export const send = messenger<PopupToBackground>();
export const sendFromPanel = messenger<PanelToBackground>();

function noAnswer(message: string): ExtResult<never> {
  return { ok: false, error: ErrorCode.Internal, message };
}

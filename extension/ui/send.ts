/**
 * The popup's and options page's typed line to the background worker. A failure to deliver
 * (worker not started, extension reloaded) becomes an ExtResult in words, never a thrown error.
 */
import browser from 'webextension-polyfill';
import type { ExtResult, PopupToBackground } from '../messages';
import { ErrorCode } from '../../relay/contract/protocol';

type Response<K extends keyof PopupToBackground> = PopupToBackground[K]['response'];

export async function send<K extends keyof PopupToBackground>(type: K, payload: PopupToBackground[K]['payload']): Promise<Response<K>> {
  try {
    const answer = (await browser.runtime.sendMessage({ type, payload })) as Response<K> | undefined;
    if (answer === undefined || answer === null)
      return noAnswer(`Lockstep's background did not answer "${type}". Reload the extension and try again.`) as Response<K>;
    return answer;
  } catch (err: unknown) {
    const why = err instanceof Error ? err.message : String(err);
    return noAnswer(`Lockstep's background is not responding (${why}). Reload the extension and try again.`) as Response<K>;
  }
}

function noAnswer(message: string): ExtResult<never> {
  return { ok: false, error: ErrorCode.Internal, message };
}

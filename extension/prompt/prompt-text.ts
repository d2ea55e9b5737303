/** What the prompt page says for each prompt (pure: unit-tested without a page). */
import type { PromptView } from '../messages';

export interface PromptText {
  title: string;
  /** The question, in parts: `code` parts are shown in a monospace font. */
  body: Array<{ text: string; code?: true }>;
  /** Where "yes" goes (a relay, a site), shown on its own line; null for none. */
  where: string | null;
  accept: string;
  /** The other button; null for a notice (its one button closes it). */
  decline: string | null;
}

export function promptText(view: PromptView): PromptText {
  switch (view.kind) {
    case 'join':
      return view.otherRelay
        ? {
            title: 'Lockstep: join a room on another relay?',
            body: [
              { text: "This invite's room " },
              { text: view.code, code: true },
              {
                text: view.private
                  ? ' is on another relay than the one in your options. Join it there? The room is private: the relay will not see your name or what you watch, but its room can change what this tab plays.'
                  : ' is on another relay than the one in your options. Join it there? The relay will see your name, and its room can change what this tab plays.',
              },
            ],
            where: `Relay: ${view.relayUrl}`,
            accept: 'Join',
            decline: 'Cancel',
          }
        : {
            title: 'Lockstep: join this room?',
            body: [
              { text: 'This link invites you to watch together in room ' },
              { text: view.code, code: true },
              { text: ". Its members will see your name, and the room can play, pause and seek this tab's video." },
            ],
            where: `Relay: ${view.relayUrl}`,
            accept: 'Join',
            decline: 'Not now',
          };
    case 'follow':
      return {
        title: 'Lockstep: the room moved on',
        body: [{ text: `Open "${view.title}"?` }],
        where: `On ${view.host}`,
        accept: 'Go',
        decline: 'Stay',
      };
    case 'notice':
      return { title: `Lockstep: ${view.title}`, body: [{ text: view.message }], where: null, accept: 'Close', decline: null };
  }
}

/** What the popup shows of a tab (TabState), from what the registry knows of it. */
import type { ErrorCode } from '../../relay/contract/protocol';
import type { ConnectionView, LocalError, PanelMode, TabState, VideoReport } from '../messages';
import { formatInvite, stripInvite } from '../invite';
import type { TabRoom } from './tab-room';

export interface TabFacts {
  tab: { url?: string; title?: string };
  room: Pick<TabRoom, 'code' | 'memberId' | 'room' | 'state'> | undefined;
  /** The owner frame's report of the tab's video. */
  owner: VideoReport | null;
  /** The room's connection, or the relay a new room would use. */
  connection: ConnectionView;
  lastError: { code: ErrorCode | LocalError; message: string } | null;
  panel: PanelMode;
}

export function tabState(tabId: number, { tab, room, owner, connection, lastError, panel }: TabFacts): TabState {
  const pageUrl = tab.url === undefined ? null : (stripInvite(tab.url) ?? tab.url);
  return {
    tabId,
    connection,
    video: { present: owner !== null, title: owner?.media?.title || tab.title || null, url: pageUrl },
    room:
      room === undefined
        ? null
        : {
            code: room.code,
            private: room.room.private,
            inviteLink: formatInvite(
              room.room.timeline.media?.url ?? pageUrl ?? 'about:blank',
              room.code,
              room.state.relayUrl,
              room.state.roomKey ?? null,
            ),
            settings: room.room.settings,
            members: room.room.members,
            you: room.memberId,
            timeline: room.room.timeline,
          },
    lastError,
    panel,
  };
}

/**
 * The relay's routing table: one entry per client event, shared by every connection; each handler
 * is named after its event (`playback:control` → playbackControl in playback-handlers.ts). A new
 * event in protocol.ts does not compile without its route here.
 */
import { fire, route, type Routes } from '../limits/guard';
import {
  chatSchema,
  reactionSchema,
  controlSchema,
  createRoomSchema,
  joinRoomSchema,
  resumeSchema,
  statusSchema,
  telemetrySchema,
  watchSchema,
  transferHostSchema,
} from '../contract/schemas';
import { partialSettingsSchema, profileSchema } from '../contract/value-schemas';
import { chatSend, reactionSend } from './chat-handlers';
import { memberProfile, memberStatus, memberTelemetry, membersWatch } from './member-handlers';
import { playbackControl } from './playback-handlers';
import { roomCreate, roomJoin, roomLeave, roomResume, roomSettings, roomTransferHost } from './room-handlers';

export const ROUTES: Routes = {
  'room:create': route(createRoomSchema, roomCreate),
  'room:join': route(joinRoomSchema, roomJoin),
  'room:resume': route(resumeSchema, roomResume),
  'room:leave': route(null, roomLeave),
  'room:settings': route(partialSettingsSchema, roomSettings),
  'room:transfer-host': route(transferHostSchema, roomTransferHost),
  'member:profile': route(profileSchema, memberProfile),
  'member:status': route(statusSchema, memberStatus),
  'member:telemetry': fire(telemetrySchema, memberTelemetry),
  'members:watch': route(watchSchema, membersWatch),
  'playback:control': route(controlSchema, playbackControl),
  'chat:send': route(chatSchema, chatSend),
  'reaction:send': route(reactionSchema, reactionSend),
  'time:ping': { bare: (ctx) => ctx.now() },
};

/**
 * The relay's routing table: one entry per client event, shared by every connection. A new event
 * in protocol.ts does not compile without its route here.
 */
import { fire, route, type Routes } from './guard';
import { chat, playback, profile, settings, status, telemetry, transfer } from './member-handlers';
import { create, joinRoom, leaveRoom, resumeRoom } from './room-handlers';
import { chatSchema, controlSchema, createRoomSchema, joinRoomSchema, partialSettingsSchema, profileSchema, resumeSchema, statusSchema, telemetrySchema, transferHostSchema } from './schemas';

export const ROUTES: Routes = {
  'room:create': route(createRoomSchema, create),
  'room:join': route(joinRoomSchema, joinRoom),
  'room:resume': route(resumeSchema, resumeRoom),
  'room:leave': route(null, leaveRoom),
  'room:settings': route(partialSettingsSchema, settings),
  'room:transfer-host': route(transferHostSchema, transfer),
  'member:profile': route(profileSchema, profile),
  'member:status': route(statusSchema, status),
  'member:telemetry': fire(telemetrySchema, telemetry),
  'playback:control': route(controlSchema, playback),
  'chat:send': route(chatSchema, chat),
  'time:ping': { bare: (ctx) => ctx.now() },
};

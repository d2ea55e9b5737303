/**
 * Members follow the room: when an update gives a room a new timeline, every member that was
 * playing or paused takes the status that timeline implies (contract/timeline.ts followedStatus),
 * without a report. After each control the room's members used to report their new status one by
 * one: under bench:relay's mix the most frequent event a relay handled, and after it a store
 * update and an ack each (docs/benchmarks.md). A client that declared `status:follows` does the
 * same to its own view of the room and reports only what differs (a player that did not follow).
 *
 * A decorator of the RoomStore, so every rule that moves the timeline (controls, holds and their
 * release, departures, settings) is covered in one place. Members whose client did not declare the
 * feature (StoredMember.follows) still need to be told: when a room has one, the members whose
 * status changed go to `told`, which the relay puts on the room's status board, and sends as a
 * `member:updated` each when one of them is older than status batches too.
 */
import type { Member } from '../contract/protocol';
import { followedStatus } from '../contract/timeline';
import type { Mutation, RoomStore, StoredMember, StoredRoom, UpdateResult } from '../store/room-store';
import { audienceAmong, memberView, type Audience } from './room-view';

/** The room with its members following its timeline; `changed` lists those whose status moved. */
export function follow(room: StoredRoom): { room: StoredRoom; changed: StoredMember[] } {
  const changed: StoredMember[] = [];
  let members: Record<string, StoredMember> | null = null;
  for (const id in room.members) {
    const m = room.members[id]!;
    const status = followedStatus(m.status, room.timeline);
    if (status === m.status) continue;
    const next: StoredMember = { ...m, status };
    members ??= { ...room.members };
    members[id] = next;
    changed.push(next);
  }
  return members === null ? { room, changed } : { room: { ...room, members }, changed };
}

interface Telling {
  members: StoredMember[];
  /** Members whose client does not follow timelines itself, taking status batches or not. */
  audience: Audience;
  seq: number;
}

/** A store whose updates make the members follow each new timeline; `told` gets what the members without the feature must hear. */
export function followingStore(
  store: RoomStore,
  told: (code: string, members: Member[], audience: Audience, seq: number) => void,
): RoomStore {
  return {
    create: (room) => store.create(room),
    get: (code) => store.get(code),
    appendChat: (code, message) => store.appendChat(code, message),
    chat: (code) => store.chat(code),
    count: () => store.count(),
    ready: () => store.ready(),
    close: () => store.close(),
    async update<T, E = string>(code: string, mutate: (room: StoredRoom) => Mutation<T, E>): Promise<UpdateResult<T, E>> {
      // The Redis store may run `mutate` again (a lost race): only its last run is what was written.
      const tell: { last: Telling | null } = { last: null };
      const r = await store.update(code, (room): Mutation<T, E> => {
        tell.last = null;
        const result = mutate(room);
        if (!result.ok || result.room === null || result.room.timeline === room.timeline) return result;
        const f = follow(result.room);
        if (f.changed.length === 0) return result;
        const audience = audienceAmong(f.room, (m) => m.follows !== true);
        if (audience.batches || audience.legacy) tell.last = { members: f.changed, audience, seq: f.room.timeline.seq };
        return { ...result, room: f.room };
      });
      if (r.ok && tell.last !== null) told(code, tell.last.members.map(memberView), tell.last.audience, tell.last.seq);
      return r;
    },
  };
}

/**
 * The RoomStores the relay integration suite runs against: `describe.each(storeFactories)`.
 * Each factory gives a fresh, empty store and a cleanup.
 */
import { relayNow } from '../../relay/clock';
import { MemoryRoomStore } from '../../relay/store/memory';
import type { RoomStore } from '../../relay/store/types';

export interface StoreFactory {
  name: 'memory' | 'redis';
  create(): Promise<{ store: RoomStore; cleanup(): Promise<void> }>;
}

export const memoryStoreFactory: StoreFactory = {
  name: 'memory',
  async create() {
    const store = new MemoryRoomStore({ now: relayNow });
    return { store, cleanup: () => store.close() };
  },
};

export const storeFactories: StoreFactory[] = [memoryStoreFactory];

/** What the worker keeps in storage.session per tab, against a fake storage and a fake set of open tabs. */
jest.mock('webextension-polyfill', () => {
  const items = new Map<string, unknown>();
  const openTabs = new Set<number>();
  return {
    items,
    openTabs,
    storage: {
      session: {
        get: () => Promise.resolve(Object.fromEntries(items)),
        set: (next: Record<string, unknown>) => {
          for (const [k, v] of Object.entries(next)) items.set(k, structuredClone(v));
          return Promise.resolve();
        },
        remove: (key: string) => {
          items.delete(key);
          return Promise.resolve();
        },
      },
    },
    tabs: { get: (id: number) => (openTabs.has(id) ? Promise.resolve({ id }) : Promise.reject(new Error(`No tab with id: ${id}.`))) },
  };
});
import { removeStoredTab, storedTabs, storeTab, type StoredTab } from '../../../extension/background/tab-storage';

const fake = jest.requireMock<{ items: Map<string, unknown>; openTabs: Set<number> }>('webextension-polyfill');

const tab = (owner: number | null): StoredTab => ({
  frames: owner === null ? [] : [[owner, { present: true, media: null, area: 100, played: false }]],
  owner,
  room: null,
});

async function readBack(): Promise<Array<{ tabId: number; tab: StoredTab }>> {
  const out = [];
  for await (const entry of storedTabs()) out.push(entry);
  return out;
}

beforeEach(() => {
  fake.items.clear();
  fake.openTabs.clear();
});

test('a stored tab reads back as stored; a removed one is gone', async () => {
  fake.openTabs.add(3).add(4);
  await storeTab(3, tab(0));
  await storeTab(4, tab(null));
  expect(await readBack()).toEqual([
    { tabId: 3, tab: tab(0) },
    { tabId: 4, tab: tab(null) },
  ]);
  await removeStoredTab(3);
  expect(await readBack()).toEqual([{ tabId: 4, tab: tab(null) }]);
});

test('tabs closed while the worker was stopped, and damaged entries, are dropped from storage; other keys are left alone', async () => {
  fake.openTabs.add(3).add(9);
  await storeTab(3, tab(2));
  await storeTab(7, tab(0)); // closed meanwhile
  fake.items.set('tab:9', { frames: 'garbage' });
  fake.items.set('something-else', 1);
  expect(await readBack()).toEqual([{ tabId: 3, tab: tab(2) }]);
  expect([...fake.items.keys()].sort()).toEqual(['something-else', 'tab:3']);
});

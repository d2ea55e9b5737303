/**
 * Settings: the pure parts, and loadSettings/saveSettings against a fake storage.sync that
 * answers like the browser's (a get answers from the state when it was called, later).
 */
const sync = {
  items: new Map<string, unknown>(),
  get(keys: string | string[]): Promise<Record<string, unknown>> {
    const answer = Object.fromEntries(
      [keys]
        .flat()
        .filter((k) => sync.items.has(k))
        .map((k) => [k, structuredClone(sync.items.get(k))]),
    );
    return Promise.resolve().then(() => answer);
  },
  set(items: Record<string, unknown>): Promise<void> {
    for (const [k, v] of Object.entries(items)) sync.items.set(k, structuredClone(v));
    return Promise.resolve();
  },
};
jest.mock('webextension-polyfill', () => ({
  storage: { sync: { get: (keys: string | string[]) => sync.get(keys), set: (items: Record<string, unknown>) => sync.set(items) } },
}));
import {
  applySettingsPatch,
  defaultSettings,
  loadSettings,
  parseStoredSettings,
  saveSettings,
  type Settings,
} from '../../../extension/settings';

(globalThis as { __DEFAULT_RELAY_URL__?: string }).__DEFAULT_RELAY_URL__ = 'http://localhost:3000/';

const defaults: Settings = {
  relayUrl: 'http://localhost:3000',
  profile: { name: 'Guest 1234', color: '#3cb44b' },
  defaultRoomSettings: { controlMode: 'everyone', waitPolicy: 'wait', navigationPolicy: 'follow' },
};

describe('stored settings', () => {
  test('nothing stored gives the defaults without complaint', () => {
    expect(parseStoredSettings(undefined, defaults)).toEqual({ settings: defaults, problems: [] });
  });

  test('a damaged field falls back alone; good fields are kept', () => {
    const { settings, problems } = parseStoredSettings(
      {
        relayUrl: 'ftp://nope',
        profile: { name: 'Ana', color: '#123456' },
        defaultRoomSettings: { controlMode: 'host', waitPolicy: 'wait', navigationPolicy: 'ask' },
      },
      defaults,
    );
    expect(settings.relayUrl).toBe(defaults.relayUrl);
    expect(settings.profile).toEqual({ name: 'Ana', color: '#123456' });
    expect(settings.defaultRoomSettings.controlMode).toBe('host');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/relayUrl/);
  });

  test.each([['a string'], [42], [null], [[1, 2]]])('garbage %j is reported and replaced by defaults', (raw) => {
    const { settings, problems } = parseStoredSettings(raw, defaults);
    expect(settings).toEqual(defaults);
    expect(problems.length).toBeGreaterThan(0);
  });

  test('generated identities are valid and differ', () => {
    const a = defaultSettings(() => 0.1);
    const b = defaultSettings(() => 0.9);
    expect(a.profile.name).toMatch(/^Guest \d{4}$/);
    expect(a.profile.name).not.toBe(b.profile.name);
    expect(a.profile.color).toMatch(/^#[0-9a-f]{6}$/);
    expect(a.relayUrl).toBe('http://localhost:3000');
  });
});

describe('settings patches', () => {
  test.each([
    [{ relayUrl: 'https://relay.example/' }, (s: Settings) => expect(s.relayUrl).toBe('https://relay.example')],
    [{ profile: { name: '  Bo  ' } }, (s: Settings) => expect(s.profile).toEqual({ name: 'Bo', color: '#3cb44b' })],
    [{ defaultRoomSettings: { waitPolicy: 'continue' } }, (s: Settings) => expect(s.defaultRoomSettings.waitPolicy).toBe('continue')],
  ])('applies %j', (patch, check) => {
    const r = applySettingsPatch(defaults, patch);
    expect(r.ok).toBe(true);
    if (r.ok) check(r.data);
  });

  test.each([
    [{ relayUrl: 'localhost' }, /Relay URL: .*http/],
    [{ profile: { name: '' } }, /Display name/],
    [{ profile: { name: 'x'.repeat(33) } }, /Display name/],
    [{ profile: { color: 'red' } }, /Display name or colour/],
    [{ defaultRoomSettings: { controlMode: 'anyone' } }, /Room settings/],
    [{ surprise: true }, /Settings/],
    ['not an object', /Settings/],
  ])('refuses %j with words', (patch, message) => {
    const r = applySettingsPatch(defaults, patch);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toBe('invalid_input');
      expect(r.message).toMatch(message);
    }
  });
});

test.each([{ name: '' }, { name: 'x'.repeat(33) }, { name: 'a\u0007b' }])('a refused display name %j is said in these words', (profile) => {
  expect(applySettingsPatch(defaults, { profile })).toEqual({
    ok: false,
    error: 'invalid_input',
    message: 'Display name or colour: a display name needs 1 to 32 characters',
  });
});

describe('settings in storage', () => {
  beforeEach(() => sync.items.clear());

  test('reading on a new install (the worker starting) does not undo a save made meanwhile', async () => {
    const reading = loadSettings(); // its get answers "nothing stored"
    await sync.set({ settings: { relayUrl: 'http://relay.test:3000' } }); // the options page saves (what test/support/rooms.ts does)
    await reading;
    expect((await loadSettings()).relayUrl).toBe('http://relay.test:3000');
    const saving = saveSettings({ relayUrl: 'http://other.test:3000' });
    await loadSettings(); // a popup opening while the save is under way
    await saving;
    expect((await loadSettings()).relayUrl).toBe('http://other.test:3000');
  });

  test('a new install keeps one generated name until a save stores a profile', async () => {
    const first = await loadSettings();
    expect(first.profile.name).toMatch(/^Guest \d{4}$/);
    await sync.set({ settings: { relayUrl: 'http://relay.test:3000' } });
    expect((await loadSettings()).profile).toEqual(first.profile);
    const saved = await saveSettings({ profile: { name: 'Ana' } });
    expect(saved.ok && saved.data.profile).toEqual({ name: 'Ana', color: first.profile.color });
    expect((await loadSettings()).profile).toEqual({ name: 'Ana', color: first.profile.color });
  });

  test('reading writes nothing to the settings themselves, not even repaired ones', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    await sync.set({ settings: { relayUrl: 'ftp://nope', profile: { name: 'Bo', color: '#123456' } } });
    const settings = await loadSettings();
    expect(settings.relayUrl).toBe('http://localhost:3000');
    expect(settings.profile).toEqual({ name: 'Bo', color: '#123456' });
    expect(sync.items.get('settings')).toEqual({ relayUrl: 'ftp://nope', profile: { name: 'Bo', color: '#123456' } });
    expect(sync.items.has('identity')).toBe(false); // it has a profile of its own
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });
});

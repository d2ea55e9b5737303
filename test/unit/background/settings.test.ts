// Only the pure parts are tested here; storage itself is exercised by the browser tests.
jest.mock('webextension-polyfill', () => ({}));
import { applySettingsPatch, defaultSettings, parseStoredSettings, type Settings } from '../../../extension/settings';

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
      { relayUrl: 'ftp://nope', profile: { name: 'Ana', color: '#123456' }, defaultRoomSettings: { controlMode: 'host', waitPolicy: 'wait', navigationPolicy: 'ask' } },
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

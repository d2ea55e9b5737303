import { checkForm, formFromSettings, type OptionsForm } from '../../../extension/options/form';
import { checkColor, checkDisplayName, checkRelayUrl } from '../../../extension/ui/validate';

const good: OptionsForm = {
  relayUrl: ' https://relay.example.com/lockstep/ ',
  name: '  Ana ',
  color: '#E6194B',
  controlMode: 'host',
  waitPolicy: 'continue',
  navigationPolicy: 'ask',
};

describe('options form', () => {
  test('a good form becomes normalized settings', () => {
    expect(checkForm(good)).toEqual({
      ok: true,
      settings: {
        relayUrl: 'https://relay.example.com/lockstep',
        profile: { name: 'Ana', color: '#e6194b' },
        defaultRoomSettings: { controlMode: 'host', waitPolicy: 'continue', navigationPolicy: 'ask' },
      },
    });
  });

  test('round trip through formFromSettings', () => {
    const check = checkForm(good);
    if (!check.ok) throw new Error('expected ok');
    expect(checkForm(formFromSettings(check.settings))).toEqual(check);
  });

  test('every bad field gets its own message', () => {
    const check = checkForm({
      relayUrl: 'ftp://x',
      name: '',
      color: 'red',
      controlMode: 'anyone',
      waitPolicy: '',
      navigationPolicy: 'jump',
    });
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(Object.keys(check.errors).sort()).toEqual(['color', 'controlMode', 'name', 'navigationPolicy', 'relayUrl', 'waitPolicy']);
    expect(check.errors.relayUrl).toMatch(/http\(s\):\/\/ or ws\(s\):\/\//);
    expect(check.errors.name).toMatch(/Enter a display name/);
  });

  test('one bad field leaves the others without messages', () => {
    const check = checkForm({ ...good, relayUrl: 'localhost:3000?x=1' });
    expect(check).toEqual({ ok: false, errors: { relayUrl: expect.stringContaining('relay URL') } });
  });
});

describe('field checks', () => {
  test.each([
    ['http://localhost:3000', 'http://localhost:3000'],
    ['wss://relay.example.com/', 'wss://relay.example.com'],
  ])('relay %s ok', (text, value) => {
    expect(checkRelayUrl(text)).toEqual({ ok: true, value });
  });
  test.each([
    '',
    '   ',
    'relay.example.com',
    'https://user:pw@relay.example.com',
    'https://r.example/?a=1',
    'https://r.example/#x',
    'javascript:alert(1)',
  ])('relay %p refused with words', (text) => {
    const r = checkRelayUrl(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/relay URL/);
  });
  test('names: trimmed, 1..32 characters, no control characters', () => {
    expect(checkDisplayName(' Bo ')).toEqual({ ok: true, value: 'Bo' });
    expect(checkDisplayName('x'.repeat(32)).ok).toBe(true);
    expect(checkDisplayName('x'.repeat(33))).toEqual({ ok: false, message: 'A display name has at most 32 characters (this one has 33).' });
    expect(checkDisplayName('a\u0007b').ok).toBe(false);
    expect(checkDisplayName('   ').ok).toBe(false);
  });
  test('colours are #rrggbb', () => {
    expect(checkColor('#A1B2C3')).toEqual({ ok: true, value: '#a1b2c3' });
    expect(checkColor('#abc').ok).toBe(false);
  });
});

/** What the prompt page says: the room code, the relay or the site "yes" goes to, and the buttons. */
import { promptText } from '../../../extension/prompt/prompt-text';

const plain = (t: ReturnType<typeof promptText>): string => t.body.map((p) => p.text).join('');

test('an invite on the configured relay: join this room? (Join / Not now), the code and the relay named', () => {
  const t = promptText({
    id: 'a',
    kind: 'join',
    code: '7K3Q-X9M2-C4TD-HA',
    relayUrl: 'https://relay.example',
    otherRelay: false,
    private: true,
  });
  expect(t.title).toBe('Lockstep: join this room?');
  expect(plain(t)).toContain('room 7K3Q-X9M2-C4TD-HA.');
  expect(t.body.find((p) => p.code)?.text).toBe('7K3Q-X9M2-C4TD-HA');
  expect([t.where, t.accept, t.decline]).toEqual(['Relay: https://relay.example', 'Join', 'Not now']);
});

test('an invite on another relay says so, and what that relay gets', () => {
  const t = promptText({
    id: 'a',
    kind: 'join',
    code: '7K3Q-X9M2-C4TD-HA',
    relayUrl: 'wss://other.example',
    otherRelay: true,
    private: false,
  });
  expect(t.title).toMatch(/another relay/);
  expect(plain(t)).toMatch(/see your name/);
  expect([t.where, t.accept, t.decline]).toEqual(['Relay: wss://other.example', 'Join', 'Cancel']);
});

test("following the room names the site it goes to, whatever the room's title says", () => {
  const t = promptText({
    id: 'a',
    kind: 'follow',
    title: 'Episode 2 (on video.example)',
    host: 'evil.example',
    url: 'https://evil.example/x',
  });
  expect(plain(t)).toBe('Open "Episode 2 (on video.example)"?');
  expect([t.where, t.accept, t.decline]).toEqual(['On evil.example', 'Go', 'Stay']);
});

test('a notice has one button, Close', () => {
  const t = promptText({ id: 'a', kind: 'notice', title: 'could not join the room', message: 'That room is full.' });
  expect([t.title, plain(t), t.accept, t.decline]).toEqual(['Lockstep: could not join the room', 'That room is full.', 'Close', null]);
});

test('an invite to a private room on another relay says the relay sees no names, and still what its room can do', () => {
  const t = promptText({
    id: 'a',
    kind: 'join',
    code: '7K3Q-X9M2-C4TD-HA',
    relayUrl: 'wss://other.example',
    otherRelay: true,
    private: true,
  });
  expect(plain(t)).not.toMatch(/will see your name/);
  expect(plain(t)).toMatch(/private: the relay will not see your name/);
  expect(plain(t)).toMatch(/change what this tab plays/);
});

/** The runtime schemas accept every valid shape of each payload (the refusals are integration-tested). */
import { LIMITS, PROTOCOL_VERSION } from '../../../relay/contract/protocol';
import { chatSchema, controlSchema, createRoomSchema, joinRoomSchema, statusSchema } from '../../../relay/contract/schemas';
import { partialSettingsSchema, profileSchema } from '../../../relay/contract/value-schemas';

const media = { url: 'https://www.youtube.com/watch?v=abc', title: '', duration: null };

test.each([
  [createRoomSchema, { protocol: PROTOCOL_VERSION, profile: { name: 'Ann' } }],
  [createRoomSchema, { protocol: PROTOCOL_VERSION, profile: { name: 'Ann', color: '#A1b2C3' }, settings: { controlMode: 'host' }, media }],
  [joinRoomSchema, { protocol: PROTOCOL_VERSION, code: 'abcd-efgh-jkmn-pq', profile: { name: 'x'.repeat(LIMITS.nameMaxLength) } }],
  [profileSchema, { name: 'Zoë 🎬' }],
  [partialSettingsSchema, {}],
  [partialSettingsSchema, { waitPolicy: 'continue', navigationPolicy: 'ask' }],
  [statusSchema, { status: 'no_video' }],
  [statusSchema, { status: 'playing', offsetMs: -3.25, rttMs: null }],
  [controlSchema, { action: 'play' }],
  [controlSchema, { action: 'pause', position: 12.5, baseSeq: 3 }],
  [controlSchema, { action: 'rate', rate: LIMITS.minRate }],
  [controlSchema, { action: 'media', media: { ...media, duration: 3600 } }],
  [chatSchema, { text: 'x'.repeat(LIMITS.chatMaxLength) }],
])('%#: accepted', (schema, payload) => {
  expect(schema.safeParse(payload).success).toBe(true);
});

test('names and chat are trimmed', () => {
  expect(profileSchema.parse({ name: '  Ann  ' }).name).toBe('Ann');
  expect(chatSchema.parse({ text: ' hi ' }).text).toBe('hi');
});

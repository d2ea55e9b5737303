/**
 * The user's settings, kept in storage.sync: the relay to use, the display name and colour, and
 * the settings new rooms start with. Everything read from storage is validated field by field:
 * a damaged field falls back to its default (with a warning) and the good ones are kept.
 *
 * Only a save writes `settings`. Reading never writes it back: storage has no compare-and-set,
 * so a reader that wrote the defaults it read (the worker starting, a page opening) could land
 * after a save made meanwhile (the options page, or storage.sync bringing another device's
 * settings) and throw it away. A new install's generated name and colour go to their own key.
 */
import browser from 'webextension-polyfill';
import * as z from 'zod/mini';
import { DEFAULT_SETTINGS, LIMITS, type RoomSettings } from '../relay/contract/protocol';
import { openProfileSchema, settingsSchema } from '../relay/contract/value-schemas';
import { normalizeRelayUrl } from './invite';
import type { ExtResult } from './messages';
import { LocalError } from './messages';

export interface Settings {
  relayUrl: string;
  profile: { name: string; color: string };
  defaultRoomSettings: RoomSettings;
}

const STORAGE_KEY = 'settings';
/** The identity generated for a new install, used until a save puts a profile in `settings`. */
const IDENTITY_KEY = 'identity';
/** Colours that read well on light and dark backgrounds. */
export const PROFILE_COLORS = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#9a6324'] as const;

const relayUrlSchema = z.pipe(
  z.string(),
  z.transform((text: string, ctx) => {
    const url = normalizeRelayUrl(text);
    if (url === null) {
      ctx.issues.push({
        code: 'custom',
        message: 'The relay URL must be an http(s):// or ws(s):// address, like http://localhost:3000.',
        input: text,
      });
      return z.NEVER;
    }
    return url;
  }),
);
const storedProfileSchema = z.required(openProfileSchema);

export function defaultRelayUrl(): string {
  return normalizeRelayUrl(__DEFAULT_RELAY_URL__) ?? 'http://localhost:3000';
}

/** Fresh defaults with a generated identity (random, so two new installs differ). */
export function defaultSettings(random: () => number = Math.random): Settings {
  const color = PROFILE_COLORS[Math.floor(random() * PROFILE_COLORS.length)] ?? PROFILE_COLORS[0];
  return {
    relayUrl: defaultRelayUrl(),
    profile: { name: `Guest ${1000 + Math.floor(random() * 9000)}`, color },
    defaultRoomSettings: { ...DEFAULT_SETTINGS },
  };
}

/** Validates stored data; returns the usable settings and the problems found. */
export function parseStoredSettings(raw: unknown, defaults: Settings): { settings: Settings; problems: string[] } {
  const problems: string[] = [];
  const isObject = typeof raw === 'object' && raw !== null && !Array.isArray(raw);
  const obj = isObject ? (raw as Record<string, unknown>) : {};
  if (raw !== undefined && !isObject) problems.push('stored settings are not an object');
  const field = <T>(key: string, schema: z.ZodMiniType<T>, fallback: T): T => {
    if (obj[key] === undefined) return fallback;
    const r = schema.safeParse(obj[key]);
    if (r.success) return r.data;
    problems.push(`${key}: ${r.error.issues[0]?.message ?? 'invalid'}`);
    return fallback;
  };
  return {
    settings: {
      relayUrl: field('relayUrl', relayUrlSchema, defaults.relayUrl),
      profile: field('profile', storedProfileSchema, defaults.profile),
      defaultRoomSettings: field('defaultRoomSettings', settingsSchema, defaults.defaultRoomSettings),
    },
    problems,
  };
}

const patchSchema = z.strictObject({
  relayUrl: z.optional(relayUrlSchema),
  profile: z.optional(z.partial(storedProfileSchema)),
  defaultRoomSettings: z.optional(z.partial(settingsSchema)),
});
export type SettingsPatch = z.input<typeof patchSchema>;

const FIELD_NAMES: Record<string, string> = {
  relayUrl: 'Relay URL',
  profile: 'Display name or colour',
  defaultRoomSettings: 'Room settings',
};

/** Applies a patch, or says in words what is wrong with it (nothing changes then). */
export function applySettingsPatch(current: Settings, patch: unknown): ExtResult<Settings> {
  const r = patchSchema.safeParse(patch);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = FIELD_NAMES[String(issue?.path[0] ?? '')] ?? 'Settings';
    // The name first: its rule is a custom check too (the contract's displayNameProblem), but the words are these.
    const why = issue?.path.includes('name')
      ? `a display name needs 1 to ${LIMITS.nameMaxLength} characters`
      : issue?.code === 'custom'
        ? issue.message
        : (issue?.message ?? 'invalid');
    return { ok: false, error: LocalError.InvalidInput, message: `${where}: ${why}` };
  }
  const p = r.data;
  return {
    ok: true,
    data: {
      relayUrl: p.relayUrl ?? current.relayUrl,
      profile: { ...current.profile, ...p.profile },
      defaultRoomSettings: { ...current.defaultRoomSettings, ...p.defaultRoomSettings },
    },
  };
}

/**
 * Reads settings and the generated identity as stored (pure). Without a usable stored profile the
 * stored identity is used, or `generated`'s, which is then returned as `newIdentity` to store.
 */
export function settingsFromStorage(
  items: Record<string, unknown>,
  generated: Settings,
): { settings: Settings; problems: string[]; newIdentity: Settings['profile'] | null } {
  const identity = storedProfileSchema.safeParse(items[IDENTITY_KEY]);
  const profile = identity.success ? identity.data : generated.profile;
  const { settings, problems } = parseStoredSettings(items[STORAGE_KEY], { ...generated, profile });
  const stored = items[STORAGE_KEY];
  const storedProfile = typeof stored === 'object' && stored !== null ? (stored as Record<string, unknown>).profile : undefined;
  const ownProfile = storedProfileSchema.safeParse(storedProfile).success;
  return { settings, problems, newIdentity: ownProfile || identity.success ? null : profile };
}

/**
 * The settings. Writes nothing but, on a new install, the generated identity (to its own key, so
 * the name stays the same from one call to the next).
 */
export async function loadSettings(): Promise<Settings> {
  const items = await browser.storage.sync.get([STORAGE_KEY, IDENTITY_KEY]);
  const { settings, problems, newIdentity } = settingsFromStorage(items, defaultSettings());
  if (problems.length > 0) console.warn(`Lockstep: stored settings had problems, defaults used for: ${problems.join('; ')}`);
  if (newIdentity !== null) await browser.storage.sync.set({ [IDENTITY_KEY]: newIdentity });
  return settings;
}

export async function saveSettings(patch: unknown): Promise<ExtResult<Settings>> {
  const next = applySettingsPatch(await loadSettings(), patch);
  if (next.ok) await browser.storage.sync.set({ [STORAGE_KEY]: next.data });
  return next;
}

/** Calls `cb` whenever the settings change (in any context; read them with loadSettings). Returns an unsubscribe. */
export function onSettingsChanged(cb: () => void): () => void {
  const listener = (changes: Record<string, browser.Storage.StorageChange>, area: string): void => {
    if (area === 'sync' && (changes[STORAGE_KEY] !== undefined || changes[IDENTITY_KEY] !== undefined)) cb();
  };
  browser.storage.onChanged.addListener(listener);
  return () => browser.storage.onChanged.removeListener(listener);
}

/**
 * The user's settings, kept in storage.sync: the relay to use, the display name and colour, and
 * the settings new rooms start with. Everything read from storage is validated field by field:
 * a damaged field falls back to its default (with a warning) and the good ones are kept.
 */
import browser from 'webextension-polyfill';
import { z } from 'zod';
import { DEFAULT_SETTINGS, type RoomSettings } from '../relay/protocol';
import { profileSchema, settingsSchema } from '../relay/schemas';
import { normalizeRelayUrl } from './invite';
import type { ExtResult } from './messages';
import { LocalError } from './messages';

export interface Settings {
  relayUrl: string;
  profile: { name: string; color: string };
  defaultRoomSettings: RoomSettings;
}

const STORAGE_KEY = 'settings';
/** Colours that read well on light and dark backgrounds. */
export const PROFILE_COLORS = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#9a6324'] as const;

const relayUrlSchema = z.string().transform((text, ctx) => {
  const url = normalizeRelayUrl(text);
  if (url === null) {
    ctx.addIssue({ code: 'custom', message: 'The relay URL must be an http(s):// or ws(s):// address, like http://localhost:3000.' });
    return z.NEVER;
  }
  return url;
});
const storedProfileSchema = profileSchema.required();

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
  const field = <T>(key: string, schema: z.ZodType<T>, fallback: T): T => {
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
  relayUrl: relayUrlSchema.optional(),
  profile: storedProfileSchema.partial().optional(),
  defaultRoomSettings: settingsSchema.partial().optional(),
});
export type SettingsPatch = z.input<typeof patchSchema>;

const FIELD_NAMES: Record<string, string> = { relayUrl: 'Relay URL', profile: 'Display name or colour', defaultRoomSettings: 'Room settings' };

/** Applies a patch, or says in words what is wrong with it (nothing changes then). */
export function applySettingsPatch(current: Settings, patch: unknown): ExtResult<Settings> {
  const r = patchSchema.safeParse(patch);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = FIELD_NAMES[String(issue?.path[0] ?? '')] ?? 'Settings';
    const why = issue?.code === 'custom' ? issue.message : issue?.path.includes('name') ? 'a display name needs 1 to 32 characters' : (issue?.message ?? 'invalid');
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

/** The settings; the first call on a new install stores the generated identity so it stays. */
export async function loadSettings(): Promise<Settings> {
  const stored = (await browser.storage.sync.get(STORAGE_KEY))[STORAGE_KEY];
  const { settings, problems } = parseStoredSettings(stored, defaultSettings());
  if (problems.length > 0) console.warn(`Lockstep: stored settings had problems, defaults used for: ${problems.join('; ')}`);
  if (stored === undefined || problems.length > 0) await browser.storage.sync.set({ [STORAGE_KEY]: settings });
  return settings;
}

export async function saveSettings(patch: unknown): Promise<ExtResult<Settings>> {
  const next = applySettingsPatch(await loadSettings(), patch);
  if (next.ok) await browser.storage.sync.set({ [STORAGE_KEY]: next.data });
  return next;
}

/** Calls `cb` with the new settings whenever they change (in any context). Returns an unsubscribe. */
export function onSettingsChanged(cb: (settings: Settings) => void): () => void {
  const listener = (changes: Record<string, browser.Storage.StorageChange>, area: string): void => {
    const change = changes[STORAGE_KEY];
    if (area !== 'sync' || change === undefined) return;
    cb(parseStoredSettings(change.newValue, defaultSettings()).settings);
  };
  browser.storage.onChanged.addListener(listener);
  return () => browser.storage.onChanged.removeListener(listener);
}

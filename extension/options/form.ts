/**
 * The options form as plain values: validation with a message per field, and the settings patch
 * it saves. Pure, so it is unit-tested without a browser.
 */
import type { RoomSettings } from '../../relay/contract/protocol';
import type { Settings } from '../settings';
import { checkColor, checkDisplayName, checkRelayUrl } from '../ui/validate';

export interface OptionsForm {
  relayUrl: string;
  name: string;
  color: string;
  controlMode: string;
  waitPolicy: string;
  navigationPolicy: string;
}

export type FieldName = keyof OptionsForm;
export type FormCheck = { ok: true; settings: Settings } | { ok: false; errors: Partial<Record<FieldName, string>> };

function pick<T extends string>(value: string, allowed: readonly T[]): T | null {
  return (allowed as readonly string[]).includes(value) ? (value as T) : null;
}

export function formFromSettings(settings: Settings): OptionsForm {
  return { relayUrl: settings.relayUrl, name: settings.profile.name, color: settings.profile.color, ...settings.defaultRoomSettings };
}

export function checkForm(form: OptionsForm): FormCheck {
  const errors: Partial<Record<FieldName, string>> = {};
  const relay = checkRelayUrl(form.relayUrl);
  if (!relay.ok) errors.relayUrl = relay.message;
  const name = checkDisplayName(form.name);
  if (!name.ok) errors.name = name.message;
  const color = checkColor(form.color);
  if (!color.ok) errors.color = color.message;
  const controlMode = pick(form.controlMode, ['everyone', 'host'] as const);
  if (controlMode === null) errors.controlMode = 'Choose who controls playback.';
  const waitPolicy = pick(form.waitPolicy, ['wait', 'continue'] as const);
  if (waitPolicy === null) errors.waitPolicy = 'Choose what happens on buffering and ads.';
  const navigationPolicy = pick(form.navigationPolicy, ['follow', 'ask'] as const);
  if (navigationPolicy === null) errors.navigationPolicy = 'Choose what happens on the next video.';
  if (!relay.ok || !name.ok || !color.ok || controlMode === null || waitPolicy === null || navigationPolicy === null)
    return { ok: false, errors };
  const defaultRoomSettings: RoomSettings = { controlMode, waitPolicy, navigationPolicy };
  return { ok: true, settings: { relayUrl: relay.value, profile: { name: name.value, color: color.value }, defaultRoomSettings } };
}

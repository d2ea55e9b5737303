/**
 * The options page: relay URL, display name and colour, the settings new rooms start with.
 * Validated field by field with the message beside the field; "Save" writes storage.sync and
 * tells the rooms this browser is in about a new name; "Test connection" asks the background.
 */
import { loadSettings, saveSettings, type Settings } from '../settings';
import { byId } from '../ui/dom';
import { send } from '../ui/send';
import { checkRelayUrl } from '../ui/validate';
import { checkForm, formFromSettings, type FieldName, type OptionsForm } from './form';

const FIELD_IDS: Record<FieldName, string> = {
  relayUrl: 'relay-url',
  name: 'display-name',
  color: 'color',
  controlMode: 'control-mode',
  waitPolicy: 'wait-policy',
  navigationPolicy: 'navigation-policy',
};
const FIELDS = Object.keys(FIELD_IDS) as FieldName[];

const form = byId('options-form', HTMLFormElement);
const saveResult = byId('save-result', HTMLParagraphElement);
const testResult = byId('test-result', HTMLParagraphElement);
const testButton = byId('test-connection', HTMLButtonElement);
const saveButton = byId('save', HTMLButtonElement);
const loadError = byId('load-error', HTMLParagraphElement);

function control(field: FieldName): HTMLInputElement | HTMLSelectElement {
  const el = document.getElementById(FIELD_IDS[field]);
  if (!(el instanceof HTMLInputElement || el instanceof HTMLSelectElement)) throw new Error(`Lockstep: options field ${field} is missing`);
  return el;
}

function setFieldError(field: FieldName, message: string | undefined): void {
  const box = byId(`${FIELD_IDS[field]}-error`, HTMLParagraphElement);
  box.hidden = message === undefined;
  box.textContent = message ?? '';
  control(field).setAttribute('aria-invalid', String(message !== undefined));
}

function readForm(): OptionsForm {
  const values = Object.fromEntries(FIELDS.map((f) => [f, control(f).value])) as Record<FieldName, string>;
  return values;
}

function fillForm(settings: Settings): void {
  const values = formFromSettings(settings);
  for (const field of FIELDS) control(field).value = values[field];
}

function say(el: HTMLElement, text: string, tone: 'ok' | 'bad' | 'busy'): void {
  el.textContent = text;
  el.dataset.tone = tone;
}

let saved: Settings | null = null;

async function save(): Promise<void> {
  const check = checkForm(readForm());
  for (const field of FIELDS) setFieldError(field, check.ok ? undefined : check.errors[field]);
  if (!check.ok) {
    say(saveResult, 'Not saved: fix the fields marked above.', 'bad');
    const first = FIELDS.find((f) => check.errors[f] !== undefined);
    if (first) control(first).focus();
    return;
  }
  saveButton.disabled = true;
  try {
    const result = await saveSettings(check.settings);
    if (!result.ok) {
      say(saveResult, `Not saved: ${result.message}`, 'bad');
      return;
    }
    const profile = result.data.profile;
    const profileChanged = saved === null || saved.profile.name !== profile.name || saved.profile.color !== profile.color;
    saved = result.data;
    fillForm(result.data);
    if (profileChanged) {
      const told = await send('setProfile', profile);
      if (!told.ok) {
        say(saveResult, `Saved, but the rooms you are in were not told about your new name: ${told.message}`, 'bad');
        return;
      }
    }
    say(saveResult, 'Saved.', 'ok');
  } finally {
    saveButton.disabled = false;
  }
}

async function testConnection(): Promise<void> {
  const relay = checkRelayUrl(control('relayUrl').value);
  setFieldError('relayUrl', relay.ok ? undefined : relay.message);
  if (!relay.ok) {
    say(testResult, 'Fix the relay URL first.', 'bad');
    control('relayUrl').focus();
    return;
  }
  testButton.disabled = true;
  say(testResult, `Connecting to ${relay.value}…`, 'busy');
  try {
    const result = await send('testConnection', { relayUrl: relay.value });
    if (result.ok) say(testResult, `Connected to ${relay.value}: ${Math.round(result.data.rttMs)} ms round trip.`, 'ok');
    else say(testResult, result.message, 'bad');
  } finally {
    testButton.disabled = false;
  }
}

async function main(): Promise<void> {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void save();
  });
  testButton.addEventListener('click', () => void testConnection());
  for (const field of FIELDS) {
    control(field).addEventListener('input', () => setFieldError(field, undefined));
    // Leaving a field checks it at once (the others wait for Save).
    control(field).addEventListener('change', () => {
      const check = checkForm(readForm());
      setFieldError(field, check.ok ? undefined : check.errors[field]);
    });
  }
  saved = await loadSettings();
  fillForm(saved);
}

main().catch((err: unknown) => {
  loadError.hidden = false;
  loadError.textContent = `Lockstep could not load its settings: ${err instanceof Error ? err.message : String(err)}`;
});

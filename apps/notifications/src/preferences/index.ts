// The preferences slice's entry point: what a person asked to be alerted about, read by the inbox's readers.
export { PreferencesController } from './api/preferences.controller';
export { DEFAULT_PREFERENCES, type Preferences, shouldAlert } from './domain/preferences';
export { PreferencesStore } from './preferences.store';

import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { NotepadConfig, PreferencesConfig } from '@userscope/examples';

/** The notepad and preferences settings of configs/config.yml, so the baselines serve the same example. */
export interface ExampleConfig {
  notepad: NotepadConfig;
  preferences: PreferencesConfig;
}

export function readExampleConfig(file = 'configs/config.yml'): ExampleConfig {
  const { functions } = parse(readFileSync(file, 'utf8'));
  return {
    notepad: { max_notes: functions.notepad.max_notes },
    preferences: { default_preferences: functions.preferences.default_preferences },
  };
}

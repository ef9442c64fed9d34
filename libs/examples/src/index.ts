export { PerUserWorkflowExampleModule } from './per-user-workflow-example.module';
export { NoteInput, NoteOutput, NotepadConfig } from './notepad/notepad.dto';
export { NotepadFunction } from './notepad/notepad.function';
export { PreferenceInput, PreferenceOutput, PreferencesConfig } from './preferences/preferences.dto';
export { PreferencesFunction } from './preferences/preferences.function';
export { AssistantConfig, AssistantInput, AssistantOutput } from './assistant/assistant.dto';
export { ASSISTANT_HELP, AssistantFunction } from './assistant/assistant.function';

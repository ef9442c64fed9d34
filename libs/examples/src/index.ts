export * from './per-user-workflow-example.module';
export * from './notepad/notepad.dto';
export * from './notepad/notepad.function';
export * from './preferences/preferences.dto';
export * from './preferences/preferences.function';
export * from './assistant/assistant.dto';
export * from './assistant/assistant.function';

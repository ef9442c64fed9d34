import { Module } from '@nestjs/common';
import { UserscopePlugin } from '@userscope/runtime';
import { AssistantFunction } from './assistant/assistant.function';
import { NotepadFunction } from './notepad/notepad.function';
import { PreferencesFunction } from './preferences/preferences.function';

/** The per-user workflow example of NAT as a Userscope plugin: notepad, preferences, assistant. */
@UserscopePlugin({ functions: [NotepadFunction, PreferencesFunction, AssistantFunction] })
@Module({})
export class PerUserWorkflowExampleModule {}

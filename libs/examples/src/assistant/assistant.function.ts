import { Functions, InjectFunctionConfig, JsonValue, PerUserFunction, StatefulFunction, UserscopeFunction } from '@userscope/runtime';
import { AssistantConfig, AssistantInput, AssistantOutput } from './assistant.dto';
import { NoteInput, NoteOutput } from '../notepad/notepad.dto';
import { PreferenceInput, PreferenceOutput } from '../preferences/preferences.dto';

export const ASSISTANT_HELP = [
  'Available commands:',
  '- note add <content>: Add a note',
  '- note list: List all notes',
  '- note clear: Clear all notes',
  '- note count: Count notes',
  '- pref set <key> <value>: Set a preference',
  '- pref get <key>: Get a preference',
  '- pref list: List all preferences',
  '- stats: Show session statistics',
  '- help: Show this help message',
].join('\n');

/**
 * The per-user workflow of the example: one command interface over the user's notepad and
 * preferences. Its count of commands is its state (the notes and preferences are theirs).
 */
@PerUserFunction({
  name: 'per_user_assistant',
  description: 'A per-user assistant combining the notepad and preferences, with session statistics.',
  config: AssistantConfig,
  input: AssistantInput,
  output: AssistantOutput,
})
export class AssistantFunction implements UserscopeFunction<AssistantInput, AssistantOutput>, StatefulFunction {
  private commandsExecuted = 0;

  constructor(
    @InjectFunctionConfig() private readonly config: AssistantConfig,
    private readonly functions: Functions,
  ) {}

  async invoke({ command, action, param1, param2 }: AssistantInput): Promise<AssistantOutput> {
    // Every call counts, help, stats and unknown commands included (NAT counts before dispatch).
    const commands_executed = ++this.commandsExecuted;
    switch (command.toLowerCase()) {
      case 'help':
        return { success: true, message: ASSISTANT_HELP, data: { commands_executed } };
      case 'stats':
        return {
          success: true,
          message: `Session statistics: ${commands_executed} commands executed`,
          data: { commands_executed },
        };
      case 'note': {
        const notepad = this.functions.get<NoteInput, NoteOutput>(this.config.notepad_name);
        const result = await notepad.invoke({ action, content: param1 });
        return {
          success: result.success,
          message: result.message,
          data: { notes: result.notes, count: result.count, commands_executed },
        };
      }
      case 'pref': {
        const preferences = this.functions.get<PreferenceInput, PreferenceOutput>(this.config.preferences_name);
        const result = await preferences.invoke({ action, key: param1, value: param2 });
        return {
          success: result.success,
          message: result.message,
          data: { value: result.value, preferences: result.preferences, commands_executed },
        };
      }
      default:
        return {
          success: false,
          message: `Unknown command: ${command.toLowerCase()}. Use 'help' to see available commands.`,
          data: { commands_executed },
        };
    }
  }

  saveState(): JsonValue {
    return { commands_executed: this.commandsExecuted };
  }

  restoreState(state: JsonValue): void {
    const count = (state as { commands_executed?: unknown } | null)?.commands_executed;
    if (Number.isSafeInteger(count) && (count as number) >= 0) this.commandsExecuted = count as number;
  }
}

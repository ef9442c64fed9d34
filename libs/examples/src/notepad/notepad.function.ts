import { InjectFunctionConfig, PerUserFunction, UserscopeFunction } from '@userscope/runtime';
import { NotepadConfig, NoteInput, NoteOutput } from './notepad.dto';

/** A notepad per user: one user's notes are never visible to another. */
@PerUserFunction({
  name: 'per_user_notepad',
  description: 'A per-user notepad that stores notes separately for each user.',
  config: NotepadConfig,
  input: NoteInput,
  output: NoteOutput,
})
export class NotepadFunction implements UserscopeFunction<NoteInput, NoteOutput> {
  private readonly notes: { content: string; timestamp: string }[] = [];

  constructor(@InjectFunctionConfig() private readonly config: NotepadConfig) {}

  invoke({ action: rawAction, content }: NoteInput): NoteOutput {
    const action = rawAction.toLowerCase();
    const count = this.notes.length;
    switch (action) {
      case 'add':
        if (!content) return reply(false, "Content is required for 'add' action", [], count);
        if (count >= this.config.max_notes) {
          return reply(false, `Maximum notes (${this.config.max_notes}) reached`, [], count);
        }
        this.notes.push({ content, timestamp: new Date().toISOString() });
        return reply(true, 'Note added successfully', [], this.notes.length);
      case 'list':
        return reply(true, `Found ${count} notes`, this.notes.map((note) => note.content), count);
      case 'clear':
        this.notes.length = 0;
        return reply(true, `Cleared ${count} notes`, [], 0);
      case 'count':
        return reply(true, `You have ${count} notes`, [], count);
      default:
        return reply(false, `Unknown action: ${action}. Use 'add', 'list', 'clear', or 'count'`, [], count);
    }
  }
}

function reply(success: boolean, message: string, notes: string[], count: number): NoteOutput {
  return { success, message, notes, count };
}

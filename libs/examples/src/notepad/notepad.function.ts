import { InjectFunctionConfig, JsonValue, PerUserFunction, StatefulFunction, UserscopeFunction } from '@userscope/runtime';
import { NotepadConfig, NoteInput, NoteOutput } from './notepad.dto';

/** A note as the notepad keeps it. */
interface Note {
  content: string;
  timestamp: string;
}

/**
 * A notepad per user: one user's notes are never visible to another. Its notes are its state: with
 * `general.session_state: redis` they outlive the session (eviction, a restart, another replica).
 */
@PerUserFunction({
  name: 'per_user_notepad',
  description: 'A per-user notepad that stores notes separately for each user.',
  config: NotepadConfig,
  input: NoteInput,
  output: NoteOutput,
})
export class NotepadFunction implements UserscopeFunction<NoteInput, NoteOutput>, StatefulFunction {
  private readonly notes: Note[] = [];

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

  saveState(): JsonValue {
    return { notes: this.notes.map((note) => ({ ...note })) };
  }

  restoreState(state: JsonValue): void {
    const notes = (state as { notes?: unknown } | null)?.notes;
    this.notes.length = 0;
    if (Array.isArray(notes)) this.notes.push(...notes.filter(isNote).map((note) => ({ content: note.content, timestamp: note.timestamp })));
  }
}

function reply(success: boolean, message: string, notes: string[], count: number): NoteOutput {
  return { success, message, notes, count };
}

function isNote(value: unknown): value is Note {
  const note = value as Partial<Note> | null;
  return typeof note?.content === 'string' && typeof note.timestamp === 'string';
}

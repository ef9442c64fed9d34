import type { Functions } from '@userscope/runtime';
import { AssistantFunction, NotepadFunction, PreferencesFunction } from '@userscope/examples';
import { ExampleConfig } from './example-config';

/**
 * Per-user state the way a hand-written server keeps it: a Map from the cookie value to that user's
 * assistant, notepad and preferences. The example's own classes are reused, so the baselines do the
 * same work per request as Userscope; only the framework around them differs.
 */
export class UserAssistants {
  private readonly byUser = new Map<string, AssistantFunction>();

  constructor(private readonly config: ExampleConfig) {}

  for(userId: string): AssistantFunction {
    let assistant = this.byUser.get(userId);
    if (!assistant) {
      assistant = this.create();
      this.byUser.set(userId, assistant);
    }
    return assistant;
  }

  /** Users with state. */
  get size(): number {
    return this.byUser.size;
  }

  /** Forgets every user. */
  clear(): void {
    this.byUser.clear();
  }

  /** Wired by hand: the assistant finds its notepad and preferences by name in a plain object, no DI and no per-call validation. */
  private create(): AssistantFunction {
    const functions: Record<string, object> = {
      notepad: new NotepadFunction(this.config.notepad),
      preferences: new PreferencesFunction(this.config.preferences),
    };
    const lookup = { get: (name: string) => functions[name] } as unknown as Functions;
    return new AssistantFunction({ notepad_name: 'notepad', preferences_name: 'preferences' }, lookup);
  }
}

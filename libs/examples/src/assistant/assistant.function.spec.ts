import 'reflect-metadata';
import { Functions } from '@userscope/runtime';
import { NotepadConfig } from '../notepad/notepad.dto';
import { NotepadFunction } from '../notepad/notepad.function';
import { PreferencesConfig } from '../preferences/preferences.dto';
import { PreferencesFunction } from '../preferences/preferences.function';
import { AssistantConfig, AssistantInput, AssistantOutput } from './assistant.dto';
import { ASSISTANT_HELP, AssistantFunction } from './assistant.function';

const HELP_TEXT = `Available commands:
- note add <content>: Add a note
- note list: List all notes
- note clear: Clear all notes
- note count: Count notes
- pref set <key> <value>: Set a preference
- pref get <key>: Get a preference
- pref list: List all preferences
- stats: Show session statistics
- help: Show this help message`;

/** One user's functions as the seed config builds them, reached by name like the runtime's `Functions`. */
function userFunctions(names = { notepad: 'notepad', preferences: 'preferences' }) {
  const notepadConfig = Object.assign(new NotepadConfig(), { max_notes: 50 });
  const preferencesConfig = Object.assign(new PreferencesConfig(), {
    default_preferences: { theme: 'dark', language: 'en', notifications: 'enabled' },
  });
  const instances: Record<string, { invoke(input: any): unknown }> = {
    [names.notepad]: new NotepadFunction(notepadConfig),
    [names.preferences]: new PreferencesFunction(preferencesConfig),
  };
  const requested: string[] = [];
  const functions = {
    get(name: string) {
      requested.push(name);
      const instance = instances[name];
      if (!instance) throw new Error(`No function named '${name}' is configured.`);
      return { invoke: async (input: unknown) => instance.invoke(input) };
    },
  } as unknown as Functions;
  return { functions, requested };
}

function assistant(config: Partial<AssistantConfig> = {}) {
  const { functions, requested } = userFunctions({
    notepad: config.notepad_name ?? 'notepad',
    preferences: config.preferences_name ?? 'preferences',
  });
  const fn = new AssistantFunction(Object.assign(new AssistantConfig(), config), functions);
  const run = (command: string, action = '', param1 = '', param2 = ''): Promise<AssistantOutput> =>
    fn.invoke({ command, action, param1, param2 } as AssistantInput);
  return { run, requested };
}

type Run = ReturnType<typeof assistant>['run'];

describe('per_user_assistant (AssistantFunction)', () => {
  it('the help text is exactly NAT’s, lines joined by \\n, no trailing newline', () => {
    expect(ASSISTANT_HELP).toBe(HELP_TEXT);
  });

  it('refers to notepad and preferences by default', () => {
    expect({ ...new AssistantConfig() }).toEqual({ notepad_name: 'notepad', preferences_name: 'preferences' });
  });

  describe.each<{ row: string; before?: (run: Run) => Promise<unknown>; input: [string, string?, string?, string?]; reply: AssistantOutput }>([
    {
      row: 'help',
      input: ['help'],
      reply: { success: true, message: HELP_TEXT, data: { commands_executed: 1 } },
    },
    {
      row: 'stats (counts itself and every earlier call)',
      before: async (run) => {
        await run('help');
        await run('bogus');
      },
      input: ['stats'],
      reply: { success: true, message: 'Session statistics: 3 commands executed', data: { commands_executed: 3 } },
    },
    {
      row: 'note add',
      input: ['note', 'add', 'buy milk'],
      reply: { success: true, message: 'Note added successfully', data: { notes: [], count: 1, commands_executed: 1 } },
    },
    {
      row: 'note add, empty content',
      input: ['note', 'add', ''],
      reply: {
        success: false,
        message: "Content is required for 'add' action",
        data: { notes: [], count: 0, commands_executed: 1 },
      },
    },
    {
      row: 'note list',
      before: async (run) => {
        await run('note', 'add', 'buy milk');
        await run('note', 'add', 'call bob');
      },
      input: ['note', 'list'],
      reply: {
        success: true,
        message: 'Found 2 notes',
        data: { notes: ['buy milk', 'call bob'], count: 2, commands_executed: 3 },
      },
    },
    {
      row: 'note count',
      before: (run) => run('note', 'add', 'buy milk'),
      input: ['note', 'count'],
      reply: { success: true, message: 'You have 1 notes', data: { notes: [], count: 1, commands_executed: 2 } },
    },
    {
      row: 'note clear',
      before: (run) => run('note', 'add', 'buy milk'),
      input: ['note', 'clear'],
      reply: { success: true, message: 'Cleared 1 notes', data: { notes: [], count: 0, commands_executed: 2 } },
    },
    {
      row: 'note with an unknown action (the notepad’s own reply)',
      input: ['note', 'foo'],
      reply: {
        success: false,
        message: "Unknown action: foo. Use 'add', 'list', 'clear', or 'count'",
        data: { notes: [], count: 0, commands_executed: 1 },
      },
    },
    {
      row: 'pref set',
      input: ['pref', 'set', 'theme', 'light'],
      reply: {
        success: true,
        message: "Preference 'theme' set to 'light'",
        data: {
          value: '',
          preferences: { theme: 'light', language: 'en', notifications: 'enabled' },
          commands_executed: 1,
        },
      },
    },
    {
      row: 'pref get',
      input: ['pref', 'get', 'theme'],
      reply: {
        success: true,
        message: "Preference 'theme' = 'dark'",
        data: { value: 'dark', preferences: {}, commands_executed: 1 },
      },
    },
    {
      row: 'pref get, missing',
      input: ['pref', 'get', 'x'],
      reply: {
        success: false,
        message: "Preference 'x' not found",
        data: { value: '', preferences: {}, commands_executed: 1 },
      },
    },
    {
      row: 'pref list',
      input: ['pref', 'list'],
      reply: {
        success: true,
        message: 'Found 3 preferences',
        data: { value: '', preferences: { theme: 'dark', language: 'en', notifications: 'enabled' }, commands_executed: 1 },
      },
    },
    {
      row: 'pref with an unknown action (the preferences’ own reply)',
      input: ['pref', 'foo'],
      reply: {
        success: false,
        message: "Unknown action: foo. Use 'set', 'get', or 'list'",
        data: { value: '', preferences: {}, commands_executed: 1 },
      },
    },
    {
      row: 'other',
      input: ['foo'],
      reply: { success: false, message: "Unknown command: foo. Use 'help' to see available commands.", data: { commands_executed: 1 } },
    },
    {
      row: 'other, lower-cased in the message',
      input: ['FOO'],
      reply: { success: false, message: "Unknown command: foo. Use 'help' to see available commands.", data: { commands_executed: 1 } },
    },
    {
      row: 'HELP (command is lower-cased)',
      input: ['HELP'],
      reply: { success: true, message: HELP_TEXT, data: { commands_executed: 1 } },
    },
    {
      row: 'Note ADD (command and action are lower-cased)',
      input: ['Note', 'ADD', 'x'],
      reply: { success: true, message: 'Note added successfully', data: { notes: [], count: 1, commands_executed: 1 } },
    },
    {
      row: 'PREF Get (command and action are lower-cased)',
      input: ['PREF', 'Get', 'language'],
      reply: { success: true, message: "Preference 'language' = 'en'", data: { value: 'en', preferences: {}, commands_executed: 1 } },
    },
  ])('$row', ({ before, input, reply }) => {
    it('replies exactly as NAT does, keys in order success, message, data', async () => {
      const { run } = assistant();
      await before?.(run);
      expect(JSON.stringify(await run(...input))).toBe(JSON.stringify(reply));
    });
  });

  describe('commands_executed', () => {
    it('is counted before dispatch: help, stats and unknown commands count too', async () => {
      const { run } = assistant();
      const counts = [];
      for (const command of ['help', 'stats', 'nonsense', 'stats', 'note', 'pref']) {
        counts.push((await run(command, 'count')).data.commands_executed);
      }
      expect(counts).toEqual([1, 2, 3, 4, 5, 6]);
      expect((await run('stats')).message).toBe('Session statistics: 7 commands executed');
    });

    it('is counted per instance (per user)', async () => {
      const alice = assistant();
      const bob = assistant();
      await alice.run('help');
      await alice.run('help');
      expect(await bob.run('stats')).toEqual({
        success: true,
        message: 'Session statistics: 1 commands executed',
        data: { commands_executed: 1 },
      });
    });
  });

  it('reaches the functions named in its config', async () => {
    const { run, requested } = assistant({ notepad_name: 'my_notes', preferences_name: 'my_prefs' });
    expect((await run('note', 'add', 'x')).success).toBe(true);
    expect((await run('pref', 'get', 'theme')).data.value).toBe('dark');
    expect(requested).toEqual(['my_notes', 'my_prefs']);
  });

  it('does not reach any function for help, stats and unknown commands', async () => {
    const { run, requested } = assistant();
    await run('help');
    await run('stats');
    await run('other');
    expect(requested).toEqual([]);
  });

  it('passes param1 as the note content, and param1/param2 as the preference key/value', async () => {
    const { run } = assistant();
    await run('note', 'add', 'first', 'ignored');
    await run('pref', 'set', 'font', 'mono');
    expect((await run('note', 'list')).data.notes).toEqual(['first']);
    expect((await run('pref', 'get', 'font')).data.value).toBe('mono');
  });

  describe('saved state (StatefulFunction)', () => {
    const build = () => new AssistantFunction(new AssistantConfig(), userFunctions().functions);

    it('saves its count of commands, and a restored instance counts on from it', async () => {
      const before = build();
      await before.invoke({ command: 'help' } as AssistantInput);
      await before.invoke({ command: 'note', action: 'count' } as AssistantInput);
      expect(before.saveState()).toEqual({ commands_executed: 2 });
      const after = build();
      after.restoreState(JSON.parse(JSON.stringify(before.saveState())));
      expect((await after.invoke({ command: 'stats' } as AssistantInput)).message).toBe('Session statistics: 3 commands executed');
    });

    it('starts from zero on a state that is not a count', async () => {
      for (const state of [null, { commands_executed: -1 }, { commands_executed: 1.5 }, { commands_executed: '3' }]) {
        const fn = build();
        fn.restoreState(state);
        expect((await fn.invoke({ command: 'stats' } as AssistantInput)).data.commands_executed).toBe(1);
      }
    });
  });
});

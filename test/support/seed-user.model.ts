import { ASSISTANT_HELP } from '@userscope/examples';

/** A /generate body of the seed example. */
export interface SeedCommand {
  command: string;
  action?: string;
  param1?: string;
  param2?: string;
}

/** The seed example's preferences (configs/config.yml). */
const DEFAULT_PREFERENCES: [string, string][] = [
  ['theme', 'dark'],
  ['language', 'en'],
  ['notifications', 'enabled'],
];
const MAX_NOTES = 50;

/**
 * One user of the seed example (assistant, notepad, preferences), written from the reference rather
 * than from the code: the exact reply text each command must get.
 */
export class SeedUserModel {
  private commands = 0;
  private readonly notes: string[] = [];
  private readonly preferences = new Map(DEFAULT_PREFERENCES);

  reply({ command, action = '', param1 = '', param2 = '' }: SeedCommand): string {
    const commands_executed = ++this.commands;
    switch (command) {
      case 'help':
        return JSON.stringify({ success: true, message: ASSISTANT_HELP, data: { commands_executed } });
      case 'stats':
        return JSON.stringify({ success: true, message: `Session statistics: ${commands_executed} commands executed`, data: { commands_executed } });
      case 'note': {
        const [success, message, notes, count] = this.note(action, param1);
        return JSON.stringify({ success, message, data: { notes, count, commands_executed } });
      }
      case 'pref': {
        const [success, message, value, preferences] = this.pref(action, param1, param2);
        return JSON.stringify({ success, message, data: { value, preferences, commands_executed } });
      }
      default:
        return JSON.stringify({ success: false, message: `Unknown command: ${command}. Use 'help' to see available commands.`, data: { commands_executed } });
    }
  }

  private note(action: string, content: string): [boolean, string, string[], number] {
    const count = this.notes.length;
    switch (action) {
      case 'add':
        if (!content) return [false, "Content is required for 'add' action", [], count];
        if (count >= MAX_NOTES) return [false, `Maximum notes (${MAX_NOTES}) reached`, [], count];
        this.notes.push(content);
        return [true, 'Note added successfully', [], count + 1];
      case 'list':
        return [true, `Found ${count} notes`, [...this.notes], count];
      case 'clear':
        this.notes.length = 0;
        return [true, `Cleared ${count} notes`, [], 0];
      case 'count':
        return [true, `You have ${count} notes`, [], count];
      default:
        return [false, `Unknown action: ${action}. Use 'add', 'list', 'clear', or 'count'`, [], count];
    }
  }

  private pref(action: string, key: string, value: string): [boolean, string, string, Record<string, string>] {
    switch (action) {
      case 'set':
        this.preferences.set(key, value);
        return [true, `Preference '${key}' set to '${value}'`, '', Object.fromEntries(this.preferences)];
      case 'get': {
        const found = this.preferences.get(key);
        return found === undefined ? [false, `Preference '${key}' not found`, '', {}] : [true, `Preference '${key}' = '${found}'`, found, {}];
      }
      case 'list':
        return [true, `Found ${this.preferences.size} preferences`, '', Object.fromEntries(this.preferences)];
      default:
        return [false, `Unknown action: ${action}. Use 'set', 'get', or 'list'`, '', {}];
    }
  }
}

/** The seeded PRNG the tests and benches share: the same seed, the same commands, run after run. */
export { seededRandom } from '../../bench/harness/seeded-random';

/** A random command of the seed example, every branch of the assistant included. */
export function randomSeedCommand(random: () => number, n: number): SeedCommand {
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
  const key = pick(['theme', 'language', 'notifications', 'font', 'tz']);
  return pick<SeedCommand>([
    { command: 'note', action: 'add', param1: `note ${n}: "quoted" & ünïcode` },
    { command: 'note', action: 'add', param1: `plain ${n}` },
    { command: 'note', action: 'list' },
    { command: 'note', action: 'count' },
    { command: 'note', action: 'clear' },
    { command: 'pref', action: 'set', param1: key, param2: `v${n}` },
    { command: 'pref', action: 'get', param1: key },
    { command: 'pref', action: 'list' },
    { command: 'stats' },
    { command: 'help' },
    { command: 'dance' },
  ]);
}

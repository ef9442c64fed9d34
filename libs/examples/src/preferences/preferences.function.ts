import { InjectFunctionConfig, JsonValue, PerUserFunction, StatefulFunction, UserscopeFunction } from '@userscope/runtime';
import { PreferenceInput, PreferenceOutput, PreferencesConfig } from './preferences.dto';

/**
 * A preferences store per user, starting from a copy of the configured defaults. The preferences are
 * its state: with `general.session_state: redis` they outlive the session.
 */
@PerUserFunction({
  name: 'per_user_preferences',
  description: 'A per-user preferences store.',
  config: PreferencesConfig,
  input: PreferenceInput,
  output: PreferenceOutput,
})
export class PreferencesFunction implements UserscopeFunction<PreferenceInput, PreferenceOutput>, StatefulFunction {
  // A Map, so keys like `__proto__` are plain data and never touch a prototype.
  private readonly preferences: Map<string, string>;

  constructor(@InjectFunctionConfig() config: PreferencesConfig) {
    this.preferences = new Map(Object.entries(config.default_preferences));
  }

  invoke({ action: rawAction, key, value }: PreferenceInput): PreferenceOutput {
    const action = rawAction.toLowerCase();
    switch (action) {
      case 'set':
        if (!key) return reply(false, "Key is required for 'set' action");
        this.preferences.set(key, value);
        return reply(true, `Preference '${key}' set to '${value}'`, '', this.snapshot());
      case 'get': {
        if (!key) return reply(false, "Key is required for 'get' action");
        const found = this.preferences.get(key);
        return found === undefined
          ? reply(false, `Preference '${key}' not found`)
          : reply(true, `Preference '${key}' = '${found}'`, found);
      }
      case 'list':
        return reply(true, `Found ${this.preferences.size} preferences`, '', this.snapshot());
      default:
        return reply(false, `Unknown action: ${action}. Use 'set', 'get', or 'list'`);
    }
  }

  /** `[key, value]` pairs: kept in order, and `__proto__` stays a key like any other. */
  saveState(): JsonValue {
    return { preferences: [...this.preferences] };
  }

  /** The saved preferences over the configured defaults, so a default added since shows up too. */
  restoreState(state: JsonValue): void {
    const pairs = (state as { preferences?: unknown } | null)?.preferences;
    if (!Array.isArray(pairs)) return;
    for (const pair of pairs) {
      if (Array.isArray(pair) && pair.length === 2 && typeof pair[0] === 'string' && typeof pair[1] === 'string') this.preferences.set(pair[0], pair[1]);
    }
  }

  /** The user's preferences as a JSON object, every key an own data property. */
  private snapshot(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, value] of this.preferences) {
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
}

function reply(success: boolean, message: string, value = '', preferences: Record<string, string> = {}): PreferenceOutput {
  return { success, message, value, preferences };
}

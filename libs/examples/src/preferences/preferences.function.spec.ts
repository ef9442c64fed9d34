import 'reflect-metadata';
import { PreferenceInput, PreferenceOutput, PreferencesConfig } from './preferences.dto';
import { PreferencesFunction } from './preferences.function';

/** The seed config's defaults: `{ theme: "dark", language: "en", notifications: "enabled" }`. */
const SEED_DEFAULTS = { theme: 'dark', language: 'en', notifications: 'enabled' };

function preferences(defaults: Record<string, string> = SEED_DEFAULTS): PreferencesFunction {
  const config = new PreferencesConfig();
  config.default_preferences = defaults;
  return new PreferencesFunction(config);
}

function call(fn: PreferencesFunction, action: string, key = '', value = ''): PreferenceOutput {
  return fn.invoke({ action, key, value } as PreferenceInput);
}

describe('per_user_preferences (PreferencesFunction)', () => {
  it('has { theme: "light", language: "en" } as default_preferences by default', () => {
    const fn = new PreferencesFunction(new PreferencesConfig());
    expect(call(fn, 'list').preferences).toEqual({ theme: 'light', language: 'en' });
  });

  describe.each<{ row: string; setup?: (fn: PreferencesFunction) => void; input: [string, string?, string?]; reply: PreferenceOutput }>([
    {
      row: 'set, no key',
      input: ['set', '', 'light'],
      reply: { success: false, message: "Key is required for 'set' action", value: '', preferences: {} },
    },
    {
      row: 'set',
      input: ['set', 'theme', 'light'],
      reply: {
        success: true,
        message: "Preference 'theme' set to 'light'",
        value: '',
        preferences: { theme: 'light', language: 'en', notifications: 'enabled' },
      },
    },
    {
      row: 'set a new key (added after the others)',
      input: ['set', 'font', 'mono'],
      reply: {
        success: true,
        message: "Preference 'font' set to 'mono'",
        value: '',
        preferences: { theme: 'dark', language: 'en', notifications: 'enabled', font: 'mono' },
      },
    },
    {
      row: 'set, empty value allowed',
      input: ['set', 'theme', ''],
      reply: {
        success: true,
        message: "Preference 'theme' set to ''",
        value: '',
        preferences: { theme: '', language: 'en', notifications: 'enabled' },
      },
    },
    {
      row: 'get, no key',
      input: ['get'],
      reply: { success: false, message: "Key is required for 'get' action", value: '', preferences: {} },
    },
    {
      row: 'get, present',
      input: ['get', 'theme'],
      reply: { success: true, message: "Preference 'theme' = 'dark'", value: 'dark', preferences: {} },
    },
    {
      row: 'get, present with an empty value',
      setup: (fn) => call(fn, 'set', 'theme', ''),
      input: ['get', 'theme'],
      reply: { success: true, message: "Preference 'theme' = ''", value: '', preferences: {} },
    },
    {
      row: 'get, missing',
      input: ['get', 'x'],
      reply: { success: false, message: "Preference 'x' not found", value: '', preferences: {} },
    },
    {
      row: 'list',
      input: ['list'],
      reply: {
        success: true,
        message: 'Found 3 preferences',
        value: '',
        preferences: { theme: 'dark', language: 'en', notifications: 'enabled' },
      },
    },
    {
      row: 'other',
      input: ['foo'],
      reply: { success: false, message: "Unknown action: foo. Use 'set', 'get', or 'list'", value: '', preferences: {} },
    },
    {
      row: 'SET (action is lower-cased first)',
      input: ['SET', 'theme', 'light'],
      reply: {
        success: true,
        message: "Preference 'theme' set to 'light'",
        value: '',
        preferences: { theme: 'light', language: 'en', notifications: 'enabled' },
      },
    },
    {
      row: 'Get (action is lower-cased first)',
      input: ['Get', 'language'],
      reply: { success: true, message: "Preference 'language' = 'en'", value: 'en', preferences: {} },
    },
    {
      row: 'FOO (lower-cased in the message)',
      input: ['FOO'],
      reply: { success: false, message: "Unknown action: foo. Use 'set', 'get', or 'list'", value: '', preferences: {} },
    },
  ])('$row', ({ setup, input, reply }) => {
    it('replies exactly as NAT does, keys in order success, message, value, preferences', () => {
      const fn = preferences();
      setup?.(fn);
      expect(JSON.stringify(call(fn, ...input))).toBe(JSON.stringify(reply));
    });
  });

  it('keeps a value set earlier', () => {
    const fn = preferences();
    call(fn, 'set', 'theme', 'light');
    expect(call(fn, 'get', 'theme').value).toBe('light');
  });

  it('keys are case-sensitive', () => {
    expect(call(preferences(), 'get', 'THEME').message).toBe("Preference 'THEME' not found");
  });

  describe('defaults', () => {
    it('every instance starts from its own copy: one user changing a default does not change another', () => {
      const defaults = { theme: 'dark' };
      const alice = preferences(defaults);
      const bob = preferences(defaults);
      call(alice, 'set', 'theme', 'light');
      call(alice, 'set', 'font', 'mono');
      expect(call(bob, 'list').preferences).toEqual({ theme: 'dark' });
      expect(defaults).toEqual({ theme: 'dark' });
    });

    it('a user changing the listed preferences object does not change the stored ones', () => {
      const fn = preferences();
      call(fn, 'list').preferences.theme = 'tampered';
      expect(call(fn, 'get', 'theme').value).toBe('dark');
    });
  });

  describe('keys are data', () => {
    it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'])(
      "'%s' is not found before it is set",
      (key) => {
        expect(JSON.stringify(call(preferences(), 'get', key))).toBe(
          JSON.stringify({ success: false, message: `Preference '${key}' not found`, value: '', preferences: {} }),
        );
      },
    );

    it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'])(
      "'%s' is stored, read back and listed like any other key",
      (key) => {
        const fn = preferences({ theme: 'dark' });
        const set = call(fn, 'set', key, 'polluted');
        expect(set.message).toBe(`Preference '${key}' set to 'polluted'`);
        // A computed key is an own data property, `__proto__` included.
        expect(JSON.stringify(set.preferences)).toBe(JSON.stringify({ theme: 'dark', [key]: 'polluted' }));
        expect(Object.keys(set.preferences)).toEqual(['theme', key]);
        expect(call(fn, 'get', key)).toEqual({
          success: true,
          message: `Preference '${key}' = 'polluted'`,
          value: 'polluted',
          preferences: {},
        });
        expect(call(fn, 'list').message).toBe('Found 2 preferences');
      },
    );

    it("setting '__proto__' leaves the listed object a plain object and touches no prototype", () => {
      const fn = preferences({ theme: 'dark' });
      const { preferences: listed } = call(fn, 'set', '__proto__', 'x');
      expect(Object.getPrototypeOf(listed)).toBe(Object.prototype);
      expect(Object.getOwnPropertyDescriptor(listed, '__proto__')?.value).toBe('x');
      expect(JSON.stringify(listed)).toBe('{"theme":"dark","__proto__":"x"}');
      expect(({} as Record<string, unknown>).x).toBeUndefined();
      expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'x')).toBe(false);
    });

    it("setting 'constructor' on one user is invisible to another", () => {
      const alice = preferences({ theme: 'dark' });
      const bob = preferences({ theme: 'dark' });
      call(alice, 'set', 'constructor', 'x');
      call(alice, 'set', '__proto__', 'y');
      expect(call(bob, 'get', 'constructor').success).toBe(false);
      expect(call(bob, 'get', '__proto__').success).toBe(false);
      expect(call(bob, 'list')).toEqual({ success: true, message: 'Found 1 preferences', value: '', preferences: { theme: 'dark' } });
    });

    it("default preferences with a '__proto__' key start every user with it", () => {
      const defaults: Record<string, string> = {};
      Object.defineProperty(defaults, '__proto__', { value: 'dark', enumerable: true, writable: true, configurable: true });
      const fn = preferences(defaults);
      expect(call(fn, 'get', '__proto__').value).toBe('dark');
    });
  });

  describe('saved state (StatefulFunction)', () => {
    const restored = (from: PreferencesFunction, defaults: Record<string, string> = SEED_DEFAULTS) => {
      const fn = preferences(defaults);
      fn.restoreState(JSON.parse(JSON.stringify(from.saveState())));
      return fn;
    };

    it('a new instance restored from the saved state lists the same preferences in the same order', () => {
      const before = preferences();
      call(before, 'set', 'theme', 'light');
      call(before, 'set', 'font', 'mono');
      const after = restored(before);
      expect(JSON.stringify(call(after, 'list'))).toBe(JSON.stringify(call(before, 'list')));
      expect(Object.keys(call(after, 'list').preferences)).toEqual(['theme', 'language', 'notifications', 'font']);
    });

    it("keeps '__proto__' and 'constructor' as plain keys through the saved state", () => {
      const before = preferences({ theme: 'dark' });
      call(before, 'set', '__proto__', 'x');
      call(before, 'set', 'constructor', 'y');
      const after = restored(before, { theme: 'dark' });
      expect(JSON.stringify(call(after, 'list').preferences)).toBe('{"theme":"dark","__proto__":"x","constructor":"y"}');
      expect(({} as Record<string, unknown>).x).toBeUndefined();
    });

    it('lays the saved preferences over the configured defaults, so a default added since appears', () => {
      const before = preferences({ theme: 'dark' });
      call(before, 'set', 'theme', 'light');
      const after = restored(before, { theme: 'dark', language: 'fr' });
      expect(call(after, 'list').preferences).toEqual({ theme: 'light', language: 'fr' });
    });

    it('ignores entries that are not string pairs', () => {
      const fn = preferences({ theme: 'dark' });
      fn.restoreState({ preferences: [['theme', 1], ['a'], 'b', ['font', 'mono']] });
      expect(call(fn, 'list').preferences).toEqual({ theme: 'dark', font: 'mono' });
    });
  });
});

import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PerUserWorkflowExampleModule } from '@userscope/examples';
import { ConfigError, ConfigIssue } from '../exceptions/config.exception';
import { FunctionTypeRegistry } from '../function-type.registry';
import { scanPlugins } from '../plugin.scanner';
import { WORKFLOW_NAME } from '../runtime.constants';
import { IsString } from 'class-validator';
import { ConfigSection } from '../interfaces/config-section.interface';
import { readConfigFile, resolveConfig } from './config.loader';
import { classConfigSection, configSection } from './config-section';
import { UserscopeConfig } from './userscope-config.interface';

const SEED_CONFIG = resolve(__dirname, '../../../../configs/config.yml');

/** The seed config's functions and workflow, to which a test adds or changes sections. */
const SEED_FUNCTIONS = `
functions:
  notepad:
    _type: per_user_notepad
    max_notes: 50
  preferences:
    _type: per_user_preferences
    default_preferences: { theme: "dark", language: "en", notifications: "enabled" }
workflow:
  _type: per_user_assistant
  notepad_name: notepad
  preferences_name: preferences
`;

let dir: string;
let registry: FunctionTypeRegistry;

beforeAll(() => {
  registry = scanPlugins([PerUserWorkflowExampleModule]);
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'userscope-config-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(yaml: string): string {
  const file = join(dir, 'config.yml');
  writeFileSync(file, yaml);
  return file;
}

function load(yaml: string, env: NodeJS.ProcessEnv = {}): UserscopeConfig {
  return resolveConfig(readConfigFile(write(yaml), env), registry);
}

/** The ConfigError a file is rejected with (fails the test when it loads). */
function rejection(yaml: string, env: NodeJS.ProcessEnv = {}): ConfigError {
  return thrown(() => load(yaml, env));
}

/** The error `fn` throws (fails the test when it returns). */
function thrown(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}

function issues(yaml: string, env: NodeJS.ProcessEnv = {}): ConfigIssue[] {
  return rejection(yaml, env).issues;
}

/** An issue at exactly `path` whose message holds every fragment. */
function issueAt(path: string, ...fragments: string[]) {
  return expect.objectContaining({
    path,
    message: expect.stringMatching(new RegExp(fragments.map(escapeRegExp).map((f) => `(?=[\\s\\S]*${f})`).join(''))),
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('config loading', () => {
  describe('the seed config (configs/config.yml)', () => {
    it('loads, with its general settings and every function validated', () => {
      const config = resolveConfig(readConfigFile(SEED_CONFIG, {}), registry);
      expect(config.general).toMatchObject({
        per_user_workflow_timeout: 1800,
        per_user_workflow_cleanup_interval: 300,
        enable_per_user_monitoring: true,
      });
      // batch: is the batch library's section; this runtime-only load registers no library's sections.
      expect(config.warnings).toEqual(["section 'batch' is not used by Userscope and is ignored"]);
      expect([...config.functions.keys()]).toEqual(['notepad', 'preferences', WORKFLOW_NAME]);
      expect(config.functions.get('notepad')).toMatchObject({
        path: 'functions.notepad',
        type: expect.objectContaining({ name: 'per_user_notepad' }),
        config: { max_notes: 50 },
        references: [],
      });
      expect(config.functions.get('preferences')?.config).toEqual({
        default_preferences: { theme: 'dark', language: 'en', notifications: 'enabled' },
      });
      expect(config.workflow).toMatchObject({
        name: WORKFLOW_NAME,
        path: 'workflow',
        type: expect.objectContaining({ name: 'per_user_assistant' }),
        config: { notepad_name: 'notepad', preferences_name: 'preferences' },
        references: ['notepad', 'preferences'],
      });
    });

    it('applies the defaults of what it leaves out', () => {
      const config = resolveConfig(readConfigFile(SEED_CONFIG, {}), registry);
      expect(config.general.plugins).toEqual(['@userscope/examples']);
      expect(config.sections.size).toBe(0);
    });
  });

  describe('defaults', () => {
    it('fills every general setting when general: is absent', () => {
      const config = load(SEED_FUNCTIONS);
      expect(config.general).toEqual(
        expect.objectContaining({
          per_user_workflow_timeout: 1800,
          per_user_workflow_cleanup_interval: 300,
          enable_per_user_monitoring: false,
          plugins: [],
        }),
      );
    });

    it('keeps state in memory by default, its saved states bounded to 1 MiB each once kept, and reads sizes', () => {
      expect(load(SEED_FUNCTIONS).general).toEqual(expect.objectContaining({ session_state: 'memory', session_state_ttl: 30 * 24 * 3600, session_state_max_bytes: 1024 ** 2 }));
      expect(load(`general: { session_state_max_bytes: 64kb }\n${SEED_FUNCTIONS}`).general.session_state_max_bytes).toBe(64 * 1024);
      expect(issues(`general: { session_state_max_bytes: lots }\n${SEED_FUNCTIONS}`)).toContainEqual(issueAt('general.session_state_max_bytes', 'size in bytes'));
    });

    it("fills a function's config keys it leaves out", () => {
      const config = load(`
functions:
  notepad: { _type: per_user_notepad }
  preferences: { _type: per_user_preferences }
workflow: { _type: per_user_assistant }
`);
      expect(config.functions.get('notepad')?.config).toEqual({ max_notes: 100 });
      expect(config.functions.get('preferences')?.config).toEqual({ default_preferences: { theme: 'light', language: 'en' } });
      expect(config.workflow.config).toEqual({ notepad_name: 'notepad', preferences_name: 'preferences' });
    });

    it('gives every loaded config its own copy of a default mapping', () => {
      const yaml = `functions:\n  preferences: { _type: per_user_preferences }\nworkflow: { _type: per_user_preferences }\n`;
      const first = load(yaml).functions.get('preferences')?.config as { default_preferences: Record<string, string> };
      first.default_preferences.theme = 'changed';
      const second = load(yaml).functions.get('preferences')?.config as { default_preferences: Record<string, string> };
      expect(second.default_preferences).toEqual({ theme: 'light', language: 'en' });
    });
  });

  describe('durations (general.per_user_workflow_timeout / cleanup_interval, in seconds)', () => {
    it.each([
      ['30s', 30],
      ['5m', 300],
      ['1h', 3600],
      ['1d', 86400],
      ['250ms', 0.25],
      ['"90"', 90],
      ['90', 90],
      ['1.5', 1.5],
    ])('%s is %d seconds', (text, seconds) => {
      const config = load(`general:\n  per_user_workflow_timeout: ${text}\n  per_user_workflow_cleanup_interval: ${text}\n${SEED_FUNCTIONS}`);
      expect(config.general.per_user_workflow_timeout).toBe(seconds);
      expect(config.general.per_user_workflow_cleanup_interval).toBe(seconds);
    });

    it.each(['5x', '-5', 'soon', 'true', '[1]'])('%s is rejected with its key path and the value', (text) => {
      expect(issues(`general:\n  per_user_workflow_timeout: ${text}\n${SEED_FUNCTIONS}`)).toEqual([
        issueAt('general.per_user_workflow_timeout', 'must be a duration', '30s, 5m, 1h'),
      ]);
    });

    it('5x names the value it got', () => {
      expect(issues(`general:\n  per_user_workflow_cleanup_interval: 5x\n${SEED_FUNCTIONS}`)).toEqual([
        issueAt('general.per_user_workflow_cleanup_interval', '(got "5x")'),
      ]);
    });
  });

  describe('environment variables', () => {
    it('${VAR} is replaced by the variable', () => {
      const config = load(SEED_FUNCTIONS.replace('notepad_name: notepad', 'notepad_name: ${NOTEPAD}'), { NOTEPAD: 'notepad' });
      expect(config.workflow.config).toMatchObject({ notepad_name: 'notepad' });
    });

    it('${VAR} is replaced as part of a longer string', () => {
      const config = load(`general:\n  admin_token: \${PREFIX}-0123456789abcdef\n${SEED_FUNCTIONS}`, { PREFIX: 'acme' });
      expect(config.general.admin_token).toBe('acme-0123456789abcdef');
    });

    it('a whole-value ${MAX:-50} with MAX unset becomes the number 50', () => {
      const config = load(SEED_FUNCTIONS.replace('max_notes: 50', 'max_notes: ${MAX:-50}'));
      expect(config.functions.get('notepad')?.config).toEqual({ max_notes: 50 });
    });

    it('a whole-value ${MAX:-50} with MAX=7 becomes the number 7', () => {
      const config = load(SEED_FUNCTIONS.replace('max_notes: 50', 'max_notes: ${MAX:-50}'), { MAX: '7' });
      expect(config.functions.get('notepad')?.config).toEqual({ max_notes: 7 });
    });

    it('a whole-value reference to a boolean becomes a boolean', () => {
      const config = load(`general:\n  enable_per_user_monitoring: \${MONITOR}\n${SEED_FUNCTIONS}`, { MONITOR: 'true' });
      expect(config.general.enable_per_user_monitoring).toBe(true);
    });

    it('a reference inside a longer string stays a string', () => {
      const raw = readConfigFile(write(`general:\n  note: "limit \${MAX:-50}"\n${SEED_FUNCTIONS}`), {});
      expect((raw.document.general as Record<string, unknown>).note).toBe('limit 50');
    });

    it.each(['key: value', '@secret', '*alias', '[1, 2', '- item', '{ a: 1 }'])(
      'an env value that is not a YAML scalar (%s) stays the exact string',
      (value) => {
        const raw = readConfigFile(write(`general:\n  token: \${TOKEN}\n${SEED_FUNCTIONS}`), { TOKEN: value });
        expect((raw.document.general as Record<string, unknown>).token).toBe(value);
      },
    );

    it('a missing variable without a default is reported with its key path', () => {
      expect(issues(SEED_FUNCTIONS.replace('max_notes: 50', 'max_notes: ${MAX_NOTES}'))).toEqual([
        issueAt('functions.notepad.max_notes', 'MAX_NOTES is not set', '${MAX_NOTES:-default}'),
      ]);
    });

    it('an empty variable counts as unset', () => {
      expect(issues(SEED_FUNCTIONS.replace('max_notes: 50', 'max_notes: ${MAX_NOTES}'), { MAX_NOTES: '' })).toEqual([
        issueAt('functions.notepad.max_notes', 'MAX_NOTES is not set'),
      ]);
    });

    it('every missing variable is reported at once, inside lists too', () => {
      const yaml = `general:\n  plugins: ["\${A}", "ok"]\n  admin_token: \${B}\n${SEED_FUNCTIONS}`;
      expect(issues(yaml)).toEqual([issueAt('general.plugins[0]', 'A is not set'), issueAt('general.admin_token', 'B is not set')]);
    });
  });

  describe('function types', () => {
    it('an unknown _type is reported with the registered types (and not again where it is referred to)', () => {
      expect(issues(SEED_FUNCTIONS.replace('_type: per_user_notepad', '_type: per_user_notebook'))).toEqual([
        issueAt(
          'functions.notepad._type',
          "unknown _type 'per_user_notebook'",
          'Registered types: per_user_assistant, per_user_notepad, per_user_preferences.',
        ),
      ]);
    });

    it('an unknown workflow _type is reported under workflow._type', () => {
      expect(issues(SEED_FUNCTIONS.replace('_type: per_user_assistant', '_type: per_user_asistant'))).toEqual([
        issueAt('workflow._type', "unknown _type 'per_user_asistant'", 'Registered types: per_user_assistant'),
      ]);
    });

    it('a missing _type is reported', () => {
      expect(issues(SEED_FUNCTIONS.replace('    _type: per_user_preferences\n', ''))).toEqual(
        expect.arrayContaining([issueAt('functions.preferences._type', "'_type' is required")]),
      );
    });

    it('a function that is not a mapping is reported', () => {
      expect(issues(`functions:\n  notepad: per_user_notepad\nworkflow: { _type: per_user_notepad }\n`)).toEqual([
        issueAt('functions.notepad', 'must be a mapping with a _type key'),
      ]);
    });
  });

  describe('function configs', () => {
    it('an unknown key names the key and the known keys', () => {
      expect(issues(SEED_FUNCTIONS.replace('max_notes: 50', 'max_notes: 50\n    max_note: 5'))).toEqual([
        issueAt('functions.notepad.max_note', "unknown key 'max_note'", 'known keys: max_notes'),
      ]);
    });

    it.each([
      ['"abc"', 'must be an integer number'],
      ['-1', 'must not be less than 0'],
      ['2.5', 'must be an integer number'],
    ])('max_notes: %s is rejected under functions.notepad.max_notes', (value, message) => {
      const found = issues(SEED_FUNCTIONS.replace('max_notes: 50', `max_notes: ${value}`));
      expect(found).toEqual(expect.arrayContaining([issueAt('functions.notepad.max_notes', message)]));
      expect(found.map((issue) => issue.path)).toEqual(found.map(() => 'functions.notepad.max_notes'));
    });

    it('a non-string default preference is rejected under its path', () => {
      expect(issues(SEED_FUNCTIONS.replace('theme: "dark"', 'theme: 1'))).toEqual([
        issueAt('functions.preferences.default_preferences', 'every value must be a string'),
      ]);
    });

    it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
      "a default preference named '%s' is kept as data",
      (key) => {
        const config = load(SEED_FUNCTIONS.replace('theme: "dark"', `"${key}": "x", theme: "dark"`));
        const { default_preferences } = config.functions.get('preferences')?.config as {
          default_preferences: Record<string, string>;
        };
        expect(Object.keys(default_preferences)).toEqual([key, 'theme', 'language', 'notifications']);
        expect(Object.getOwnPropertyDescriptor(default_preferences, key)?.value).toBe('x');
        expect(Object.getPrototypeOf(default_preferences)).toBe(Object.prototype);
      },
    );
  });

  describe('workflow and references', () => {
    it('a missing workflow section is reported', () => {
      expect(issues(SEED_FUNCTIONS.slice(0, SEED_FUNCTIONS.indexOf('workflow:')))).toEqual([
        issueAt('workflow', 'the workflow: section is required'),
      ]);
    });

    it('a reference to an unconfigured function names it and the configured ones', () => {
      expect(issues(SEED_FUNCTIONS.replace('notepad_name: notepad', 'notepad_name: nope'))).toEqual([
        issueAt('workflow', "refers to function 'nope', which is not configured", '(configured: notepad, preferences)'),
      ]);
    });

    it('a function cannot refer to the workflow itself', () => {
      expect(issues(SEED_FUNCTIONS.replace('notepad_name: notepad', `notepad_name: "${WORKFLOW_NAME}"`))).toEqual([
        issueAt('workflow', `refers to function '${WORKFLOW_NAME}', which is not configured`),
      ]);
    });

    it('a function name with characters outside letters, digits, _ - . is reported', () => {
      expect(issues(`${SEED_FUNCTIONS}`.replace('  notepad:\n', '  "note pad":\n'))).toEqual(
        expect.arrayContaining([issueAt('functions.note pad', 'letters, digits, _ - . only')]),
      );
    });
  });

  describe('the file itself', () => {
    it('a YAML syntax error is reported, naming the file', () => {
      const error = rejection('functions:\n  notepad: {_type: per_user_notepad\nworkflow: [\n');
      expect(error.file).toBe(join(dir, 'config.yml'));
      expect(error.message).toContain(`Invalid config ${join(dir, 'config.yml')}`);
      expect(error.issues.length).toBeGreaterThan(0);
      expect(error.issues.every((issue) => issue.message.startsWith('YAML: '))).toBe(true);
    });

    it('a duplicate key is a YAML error', () => {
      expect(issues(`${SEED_FUNCTIONS}workflow: { _type: per_user_notepad }\n`)).toEqual([
        issueAt('', 'YAML: ', 'unique'),
      ]);
    });

    it('a missing file is reported as not found', () => {
      const missing = join(dir, 'nope.yml');
      const error = thrown(() => readConfigFile(missing, {}));
      expect(error.issues).toEqual([{ path: '', message: 'file not found' }]);
      expect(error.file).toBe(missing);
    });

    it.each([
      ['an empty file', ''],
      ['a list', '- a\n- b\n'],
      ['a scalar', 'hello\n'],
    ])('%s is reported as not a mapping', (_, yaml) => {
      expect(issues(yaml)).toEqual([issueAt('', 'must hold a YAML mapping', 'workflow:')]);
    });

    it.each(['functions', 'general'])('a %s: section that is not a mapping is reported', (section) => {
      expect(issues(`${section}: [1, 2]\nworkflow: { _type: per_user_notepad }\n`)).toEqual([issueAt(section, 'must be a mapping')]);
    });
  });

  describe('warnings, not errors', () => {
    it('an unknown general key is a warning naming the known keys', () => {
      const config = load(`general:\n  per_user_timeout: 10\n${SEED_FUNCTIONS}`);
      expect(config.warnings).toEqual([
        expect.stringMatching(/^general\.per_user_timeout is not a known setting and is ignored \(known: .*per_user_workflow_timeout/),
      ]);
    });

    it.each(['use_uvloop: true', 'telemetry: { tracing: {} }', 'front_end: { _type: fastapi }', 'cache_dir: /tmp'])(
      'the NAT general setting %s is accepted and ignored',
      (setting) => {
        const key = setting.split(':')[0];
        const config = load(`general:\n  ${setting}\n${SEED_FUNCTIONS}`);
        expect(config.warnings).toEqual([`general.${key} is a NAT setting that Userscope ignores`]);
        expect(config.general).not.toHaveProperty(key);
      },
    );

    it('an unknown top-level section is a warning', () => {
      expect(load(`${SEED_FUNCTIONS}eval: {}\n`).warnings).toEqual(["section 'eval' is not used by Userscope and is ignored"]);
    });

    it('sections Userscope or a library knows (function_groups, a registered llms) load without warnings', () => {
      const llms: ConfigSection<unknown> = { key: 'llms', check: (value) => value };
      const config = resolveConfig(readConfigFile(write(`${SEED_FUNCTIONS}llms:\n  nim: { _type: nim, model_name: x }\nfunction_groups: {}\n`), {}), registry, [llms]);
      expect(config.warnings).toEqual([]);
      expect(configSection(config, llms)).toEqual({ nim: { _type: 'nim', model_name: 'x' } });
    });
  });

  describe("libraries' sections ({ key, check })", () => {
    class Greeting {
      @IsString()
      text: string = 'hello';
    }
    const greeting = classConfigSection('general.greeting', Greeting);

    it('a section under general: owns its key there, with defaults when absent', () => {
      const config = resolveConfig(readConfigFile(write(`general:\n  greeting: { text: hi }\n${SEED_FUNCTIONS}`), {}), registry, [greeting]);
      expect(config.warnings).toEqual([]);
      expect(configSection(config, greeting)).toEqual({ text: 'hi' });
      expect(config.general).not.toHaveProperty('greeting');
      const defaults = resolveConfig(readConfigFile(write(SEED_FUNCTIONS), {}), registry, [greeting]);
      expect(configSection(defaults, greeting)).toEqual({ text: 'hello' });
    });

    it("its issues are reported with the file's others, under their key paths", () => {
      const raw = readConfigFile(write(`general:\n  greeting: { text: 1, txt: hi }\n${SEED_FUNCTIONS}`), {});
      expect(thrown(() => resolveConfig(raw, registry, [greeting])).issues).toEqual([
        issueAt('general.greeting.txt', "unknown key 'txt' for Greeting; known keys: text"),
        issueAt('general.greeting.text', 'must be a string'),
      ]);
    });

    it('a check sees the configured functions, the entries as written, and the sections before it', () => {
      const seen: unknown[] = [];
      const later: ConfigSection<void> = {
        key: 'later',
        check: (value, context) => {
          seen.push(value, context.section(greeting), context.functions, context.entries.map((entry) => [entry.path, entry.settings._type]));
        },
      };
      resolveConfig(readConfigFile(write(`later: 1\n${SEED_FUNCTIONS}`), {}), registry, [greeting, later]);
      expect(seen).toEqual([
        1,
        { text: 'hello' },
        ['notepad', 'preferences', WORKFLOW_NAME],
        [['functions.notepad', 'per_user_notepad'], ['functions.preferences', 'per_user_preferences'], ['workflow', 'per_user_assistant']],
      ]);
    });

    it('reading a section the config was not checked with says so', () => {
      expect(() => configSection(load(SEED_FUNCTIONS), greeting)).toThrow("The config section 'general.greeting' was not checked");
    });
  });

  describe('several issues in one file', () => {
    it('are all reported at once, general and functions together', () => {
      const yaml = `
general:
  per_user_workflow_timeout: 5x
  enable_per_user_monitoring: "yes"
functions:
  notepad:
    _type: per_user_notepad
    max_notes: -1
    colour: red
  preferences:
    default_preferences: {}
  other:
    _type: nope
workflow:
  _type: per_user_assistant
  notepad_name: notepad
  preferences_name: missing
`;
      const error = rejection(yaml);
      expect(error.issues).toEqual(
        expect.arrayContaining([
          issueAt('general.per_user_workflow_timeout', 'must be a duration'),
          issueAt('general.enable_per_user_monitoring', 'must be a boolean'),
          issueAt('functions.notepad.max_notes', 'must not be less than 0'),
          issueAt('functions.notepad.colour', "unknown key 'colour'"),
          issueAt('functions.preferences._type', "'_type' is required"),
          issueAt('functions.other._type', "unknown _type 'nope'"),
          issueAt('workflow', "refers to function 'missing'"),
        ]),
      );
      for (const issue of error.issues) {
        expect(error.message).toContain(`${issue.path}: ${issue.message}`);
      }
    });
  });
});

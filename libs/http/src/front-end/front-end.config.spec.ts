import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerUserWorkflowExampleModule } from '@userscope/examples';
import { ConfigError, configSection, FunctionTypeRegistry, readConfigFile, resolveConfig, scanPlugins, UserscopeConfig } from '@userscope/runtime';
import { HTTP_CONFIG_SECTIONS } from '../http-config.sections';
import { FRONT_END_CONFIG_SECTION, servedModelName } from './front-end-config.section';

const WORKFLOW = `
functions:
  notepad: { _type: per_user_notepad }
  preferences: { _type: per_user_preferences }
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
  dir = mkdtempSync(join(tmpdir(), 'userscope-front-end-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function load(general: string): UserscopeConfig {
  const file = join(dir, 'config.yml');
  writeFileSync(file, `${general}\n${WORKFLOW}`);
  return resolveConfig(readConfigFile(file), registry, HTTP_CONFIG_SECTIONS);
}

describe('general.front_end', () => {
  it("names the served model after the workflow's type by default", () => {
    expect(servedModelName(load(''))).toBe('per_user_assistant');
  });

  it("takes model_name, and NAT's front-end keys without a warning that they are unknown", () => {
    const config = load('general:\n  front_end:\n    _type: fastapi\n    port: 8000\n    model_name: notes-agent');
    expect(servedModelName(config)).toBe('notes-agent');
    expect(config.warnings.filter((warning) => warning.includes('front_end'))).toEqual([]);
  });

  it('refuses a model_name that GET /v1/models/{id} could not name', () => {
    const refusal = (() => {
      try {
        load('general:\n  front_end:\n    model_name: meta/llama 3');
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(ConfigError);
    expect((refusal as ConfigError).issues).toEqual([{ path: 'general.front_end.model_name', message: 'may use letters, digits and . _ : - only' }]);
  });

  it('serves no functions over /mcp but the workflow, and 8 MCP sessions a user, unless told otherwise', () => {
    const { mcp } = configSection(load(''), FRONT_END_CONFIG_SECTION);
    expect({ ...mcp }).toEqual({ tool_names: [], max_sessions_per_user: 8 });
    const told = configSection(load('general:\n  front_end:\n    mcp:\n      tool_names: [notepad]\n      max_sessions_per_user: 2'), FRONT_END_CONFIG_SECTION).mcp;
    expect({ ...told }).toEqual({ tool_names: ['notepad'], max_sessions_per_user: 2 });
  });

  it('refuses an MCP session limit below 1', () => {
    expect(() => load('general:\n  front_end:\n    mcp:\n      max_sessions_per_user: 0')).toThrow(/general\.front_end\.mcp\.max_sessions_per_user/);
  });
});

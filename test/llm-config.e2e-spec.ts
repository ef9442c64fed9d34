import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@userscope/runtime';
import { loadApplication } from 'userscope';
import { runCli } from 'userscope';

const BAD_CONFIG = `
general:
  plugins: ["@userscope/examples"]
llms:
  main:
    _type: openai
    model_name: gpt-4o-mini
    api_key: \${TEST_OPENAI_KEY}
    temperature: 7
  other:
    _type: anthropic
functions:
  notepad:
    _type: per_user_notepad
    max_notes: lots
workflow:
  _type: per_user_chat_agent
  llm_name: gpt4
  tool_names: [notepad, calendar]
`;

describe('LLM config at startup', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'userscope-llm-'));
    writeFileSync(join(dir, 'bad.yml'), BAD_CONFIG);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports the llms: issues with every other one, by key path, and never the API key', () => {
    let error: unknown;
    try {
      loadApplication(join(dir, 'bad.yml'), { TEST_OPENAI_KEY: 'sk-must-not-appear' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues.map((issue) => `${issue.path}: ${issue.message}`);
    expect(issues).toEqual(
      expect.arrayContaining([
        'functions.notepad.max_notes: must be an integer number',
        "workflow: refers to function 'calendar', which is not configured (configured: notepad)",
        'llms.main.temperature: must not be greater than 2',
        "llms.other._type: unknown LLM _type 'anthropic'. Known LLM types: openai, echo.",
        "workflow.llm_name: refers to LLM 'gpt4', which is not configured (configured LLMs: main, other)",
      ]),
    );
    expect((error as Error).message).not.toContain('sk-must-not-appear');
  });

  it('refuses general.track_current_session: false while LLMs are configured, since token accounting needs it', () => {
    const file = join(dir, 'untracked.yml');
    const chat = 'workflow:\n  _type: per_user_chat_agent\n  llm_name: main\n';
    writeFileSync(file, `general:\n  track_current_session: false\nllms:\n  main: { _type: echo }\n${chat}`);
    let error: unknown;
    try {
      loadApplication(file);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([
      { path: 'general.track_current_session', message: expect.stringMatching(/^cannot be false while llms: are configured: .*Remove the setting/) },
    ]);

    writeFileSync(file, `general:\n  plugins: ["@userscope/examples"]\n  track_current_session: false\nfunctions:\n  notepad: { _type: per_user_notepad }\nworkflow: { _type: per_user_notepad }\n`);
    expect(loadApplication(file).config.general.track_current_session).toBe(false);
  });

  it('validate and run build the LLMs too (the CLI creates its own application)', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(await runCli(['validate', '--config_file', 'configs/chat.yml'])).toBe(0);
      const input = JSON.stringify({ messages: [{ role: 'user', content: 'call preferences {"action": "get", "key": "theme"}' }] });
      expect(await runCli(['run', '--config_file', 'configs/chat.yml', '--user', 'alice', '--input', input])).toBe(0);
      const reply = JSON.parse(log.mock.calls[log.mock.calls.length - 1][0]);
      expect(JSON.parse(reply.choices[0].message.content)).toMatchObject({ success: true, value: 'dark' });
    } finally {
      log.mockRestore();
    }
  });
});

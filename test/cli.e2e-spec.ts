import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from 'userscope';

/** Runs the CLI in-process, capturing what it prints. */
async function cli(...argv: string[]): Promise<{ code: number | undefined; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((...args) => void out.push(args.join(' ')));
  const error = jest.spyOn(console, 'error').mockImplementation((...args) => void err.push(args.join(' ')));
  const warn = jest.spyOn(console, 'warn').mockImplementation((...args) => void err.push(args.join(' ')));
  try {
    const code = await runCli(argv);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
    warn.mockRestore();
  }
}

describe('CLI', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'userscope-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('run calls the workflow once as a user and prints the JSON reply', async () => {
    const result = await cli('run', '--config_file', 'configs/config.yml', '--input', '{"command":"note","action":"count"}', '--user', 'alice');
    expect(result.code).toBe(0);
    expect(result.out).toBe('{"success":true,"message":"You have 0 notes","data":{"notes":[],"count":0,"commands_executed":1}}');
  });

  it('run accepts --config as an alias and --config_file=PATH', async () => {
    const result = await cli('run', '--config=configs/config.yml', '--input', '{"command":"stats"}', '--user', 'bob');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out).message).toBe('Session statistics: 1 commands executed');
  });

  it('run without --user on a per-user workflow explains what to pass', async () => {
    const result = await cli('run', '--config_file', 'configs/config.yml', '--input', '{"command":"stats"}');
    expect(result.code).toBe(1);
    expect(JSON.parse(result.err)).toEqual({ code: 'missing_identity', message: expect.stringContaining('--user') });
  });

  it('run reports input that does not match the schema', async () => {
    const result = await cli('run', '--config_file', 'configs/config.yml', '--input', '{"cmd":"stats"}', '--user', 'x');
    expect(result.code).toBe(1);
    expect(JSON.parse(result.err).code).toBe('invalid_input');
  });

  it('run rejects --input that is not JSON with a usage error', async () => {
    const result = await cli('run', '--config_file', 'configs/config.yml', '--input', '{nope', '--user', 'x');
    expect(result.code).toBe(2);
    expect(result.err).toContain('--input is not valid JSON');
  });

  it('validate accepts the seed config', async () => {
    const result = await cli('validate', '--config_file', 'configs/config.yml');
    expect(result.code).toBe(0);
    expect(result.out).toContain('is valid: workflow per_user_assistant (per-user)');
  });

  it('validate rejects a bad config naming the file, the key path and the problem', async () => {
    const file = join(dir, 'bad.yml');
    writeFileSync(file, 'general:\n  plugins: ["@userscope/examples"]\nfunctions:\n  notepad:\n    _type: per_user_notepad\n    max_notes: lots\nworkflow:\n  _type: per_user_assistant\n');
    const result = await cli('validate', '--config_file', file);
    expect(result.code).toBe(1);
    expect(result.err).toContain(file);
    expect(result.err).toContain('functions.notepad.max_notes');
    expect(result.err).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('validate reports a missing file', async () => {
    const result = await cli('validate', '--config_file', join(dir, 'missing.yml'));
    expect(result.code).toBe(1);
    expect(result.err).toContain('file not found');
  });

  it.each(['serve', 'run', 'validate'])('%s --help prints its usage', async (command) => {
    const result = await cli(command, '--help');
    expect(result.code).toBe(0);
    expect(result.out).toContain(`Usage: userscope ${command}`);
  });

  it('names unknown commands and options', async () => {
    expect((await cli('launch')).err).toContain("Unknown command 'launch'");
    const unknownOption = await cli('validate', '--confg_file', 'x');
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.err).toContain("Unknown option '--confg_file'");
  });

  it('requires --config_file', async () => {
    const result = await cli('validate');
    expect(result.code).toBe(2);
    expect(result.err).toContain('--config_file is required');
  });
});

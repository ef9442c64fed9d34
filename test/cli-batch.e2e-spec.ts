import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from 'userscope';

async function cli(...argv: string[]): Promise<{ code: number | undefined; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((...args) => void out.push(args.join(' ')));
  const error = jest.spyOn(console, 'error').mockImplementation((...args) => void err.push(args.join(' ')));
  const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
  try {
    return { code: await runCli(argv), out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
    write.mockRestore();
  }
}

describe('userscope batch', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'userscope-batch-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs a workflow for every user of a CSV, shows progress and a summary, and writes CSV results', async () => {
    const out = join(dir, 'results.csv');
    const result = await cli('batch', '--config_file', 'configs/agent-builder.yml', '--workflow', 'welcome-note', '--users', 'configs/users.sample.csv', '--out', out);
    expect(result.err).toContain('6/6 done (6 ok, 0 failed');
    expect(result.out).toMatch(/^user\s+status\s+tokens\s+duration\s+error$/m);
    expect(result.out).toMatch(/^Alice Johnson\s+succeeded\s+0\s+\d+ ms$/m);
    expect(result.out).toContain('6/6 succeeded');
    expect(result.code).toBe(0);
    const csv = readFileSync(out, 'utf8');
    expect(csv.startsWith('\uFEFFuser,user_id,status,tokens,result.success,result.message')).toBe(true);
    expect(csv).toContain('Carol Davis,carol,succeeded,0,true,Note added successfully');
  });

  it('writes the "Copy All" JSON and accepts the workflow by name', async () => {
    const out = join(dir, 'results.json');
    const result = await cli('batch', '--config', 'configs/agent-builder.yml', '--workflow', 'Welcome note', '--users', 'configs/users.sample.csv', '--out', out);
    expect(result.code).toBe(0);
    const exported = JSON.parse(readFileSync(out, 'utf8'));
    expect(exported).toHaveLength(6);
    expect(exported[0]).toEqual({ user: expect.any(String), result: { success: true, message: 'Note added successfully', notes: [], count: 1 } });
  });

  it('runs the LLM workflow (echo model, structured output) and exports each user\'s script', async () => {
    const out = join(dir, 'scripts.json');
    const result = await cli('batch', '--config_file', 'configs/agent-builder.yml', '--workflow', 'social-script', '--users', 'configs/users.sample.csv', '--out', out);
    expect(result.code).toBe(0);
    const summary = result.out.split('\n').find((line) => line.startsWith('Alice Johnson'))!;
    expect(Number(summary.split(/\s+/)[3])).toBeGreaterThan(0); // tokens counted
    const exported = JSON.parse(readFileSync(out, 'utf8'));
    expect(exported.map((entry: { user: string }) => entry.user).sort()).toEqual(
      ['Alice Johnson', 'Bob Smith', 'Carol Davis', 'Dan Wilson', 'Eve Martinez', 'Frank Lee'],
    );
    // The final result is the script (result_node: "1"), personalised per user, in the seed's structure.
    const alice = exported.find((entry: { user: string }) => entry.user === 'Alice Johnson').result;
    expect(Object.keys(alice)).toEqual(['hook', 'mainContent', 'callToAction', 'hashtags']);
    expect(alice.hook).toContain('Alice Johnson, a Marketing Manager in Marketing, for LinkedIn');
  });

  it('reports rejected rows and fails when no row is usable', async () => {
    const users = join(dir, 'bad.csv');
    writeFileSync(users, 'name,role\n"unterminated\n');
    const result = await cli('batch', '--config_file', 'configs/agent-builder.yml', '--workflow', 'welcome-note', '--users', users);
    expect(result.code).toBe(1);
    expect(result.err).toContain('unterminated quoted field');
  });

  it('names an unknown workflow and lists the known ones', async () => {
    const result = await cli('batch', '--config_file', 'configs/agent-builder.yml', '--workflow', 'nope', '--users', 'configs/users.sample.csv');
    expect(result.code).toBe(1);
    expect(result.err).toContain("No batch workflow 'nope'. Known: social-script, welcome-note.");
  });

  it('checks its options', async () => {
    expect((await cli('batch', '--config_file', 'configs/agent-builder.yml', '--users', 'all')).err).toContain('--workflow is required');
    expect((await cli('batch', '--config_file', 'x', '--workflow', 'w', '--users', 'all', '--out', 'r.txt')).err).toContain('--out must end in .json or .csv');
    expect((await cli('batch', '--config_file', 'x', '--workflow', 'w', '--users', join(dir, 'missing.csv'))).err).toContain('cannot read');
  });
});

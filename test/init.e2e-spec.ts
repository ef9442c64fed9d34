import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

const CLI = join(__dirname, '..', 'libs', 'userscope', 'dist', 'cli.js');
const USERSCOPE_VERSION: string = JSON.parse(readFileSync(join(__dirname, '..', 'libs', 'userscope', 'package.json'), 'utf8')).version;

/** Runs the built `userscope` bin as a user would; its exit code and what it printed. */
function userscope(cwd: string, ...args: string[]): { code: number | null; out: string; err: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

// Installing and running the project it writes is the packages suite's job (packages.e2e-spec.ts).
describe('userscope init', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'userscope-init-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const read = (...path: string[]) => readFileSync(join(dir, ...path), 'utf8');

  it('writes a project into a new folder and says what to run next', () => {
    const result = userscope(dir, 'init', 'my-app');
    expect(result).toMatchObject({ code: 0, err: '' });
    for (const file of ['package.json', 'tsconfig.json', '.gitignore', 'README.md', 'configs/config.yml', 'src/index.ts', 'test/app.spec.ts']) {
      expect(result.out).toContain(`  ${file}\n`);
    }
    expect(result.out).toContain('cd my-app\n  npm install && npm start');
    expect(read('my-app', 'README.md')).toMatch(/^# my-app\n\n```sh\nnpm install && npm start .*\nnpm test /);
  });

  it('writes a package.json on this version of the packages, with the scripts the README names', () => {
    userscope(dir, 'init', 'my-app');
    const manifest = JSON.parse(read('my-app', 'package.json'));
    expect(manifest).toMatchObject({
      name: 'my-app',
      private: true,
      scripts: { start: 'userscope serve --config_file configs/config.yml', test: 'jest', pretest: 'npm run build', prestart: 'npm run build' },
      dependencies: { userscope: USERSCOPE_VERSION, '@userscope/runtime': USERSCOPE_VERSION, '@nestjs/core': expect.any(String), 'class-validator': expect.any(String) },
      devDependencies: { '@userscope/testing': USERSCOPE_VERSION, jest: expect.any(String), 'ts-jest': expect.any(String), typescript: expect.any(String) },
    });
    expect(JSON.parse(read('my-app', 'tsconfig.json')).compilerOptions).toMatchObject({
      module: 'commonjs',
      outDir: 'dist',
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
    });
  });

  it('writes a config that loads the compiled plugin and runs its per-user workflow', () => {
    userscope(dir, 'init', 'my-app');
    const config = parse(read('my-app', 'configs', 'config.yml'));
    expect(config.general.plugins).toEqual(['../dist']);
    expect(config.workflow._type).toBe('visits');
    expect(read('my-app', 'src', 'visits', 'visits.function.ts')).toContain('@PerUserFunction(');
    expect(read('my-app', 'src', 'greeting', 'greeting.function.ts')).toContain('@SharedFunction(');
    expect(read('my-app', 'test', 'app.spec.ts')).toContain("from '@userscope/testing'");
  });

  it('writes into an empty folder that exists, or one with only .git', () => {
    mkdirSync(join(dir, 'empty', '.git'), { recursive: true });
    expect(userscope(dir, 'init', 'empty').code).toBe(0);
  });

  it('refuses a folder that is not empty, naming what is there and --force', () => {
    mkdirSync(join(dir, 'busy'));
    writeFileSync(join(dir, 'busy', 'notes.txt'), 'mine');
    const result = userscope(dir, 'init', 'busy');
    expect(result.code).toBe(2);
    expect(result.err).toContain(`${join(dir, 'busy')} is not empty (notes.txt)`);
    expect(result.err).toContain('--force');
    expect(result.out).toBe('');
  });

  it('with --force, writes into a folder that is not empty, keeping files of other names', () => {
    mkdirSync(join(dir, 'busy'));
    writeFileSync(join(dir, 'busy', 'notes.txt'), 'mine');
    writeFileSync(join(dir, 'busy', 'README.md'), 'old');
    expect(userscope(dir, 'init', 'busy', '--force').code).toBe(0);
    expect(read('busy', 'notes.txt')).toBe('mine');
    expect(read('busy', 'README.md')).toMatch(/^# busy\n/);
  });

  it('refuses a file, a missing folder name and two folder names as usage errors', () => {
    writeFileSync(join(dir, 'a-file'), '');
    expect(userscope(dir, 'init', 'a-file')).toMatchObject({ code: 2, err: expect.stringContaining('is a file, not a folder') });
    expect(userscope(dir, 'init')).toMatchObject({ code: 2, err: expect.stringContaining('Usage: userscope init DIR') });
    expect(userscope(dir, 'init', 'a', 'b')).toMatchObject({ code: 2, err: expect.stringContaining('init takes one folder, got 2') });
  });

  it('names the project after its folder, as an npm package name', () => {
    userscope(dir, 'init', 'My Agents!');
    expect(JSON.parse(read('My Agents!', 'package.json')).name).toBe('my-agents');
  });

  it('prints its usage with --help, and is listed in the main help', () => {
    expect(userscope(dir, 'init', '--help')).toMatchObject({ code: 0, out: expect.stringContaining('Usage: userscope init DIR [--force]') });
    expect(userscope(dir, '--help').out).toMatch(/^\s+init\s+write a new project/m);
  });
});

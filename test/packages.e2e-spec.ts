import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { npmInstall, packWorkspaces, REPO_ROOT, runCommand, Tarballs, useTarballs, outsideEnv } from './support/packed-packages';
import { freePort, ServerProcess } from './support/server-process';

const CLI = join(REPO_ROOT, 'libs', 'userscope', 'dist', 'cli.js');
const HOST_APP_FIXTURE = join(__dirname, 'fixtures', 'host-app');
const SERVER_START_MS = 60_000;

/** POSTs JSON as a user (the default identity: the nat-session cookie). */
async function generateAs(url: string, user: string, body: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${url}/generate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: `nat-session=${user}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

async function getJson(url: string, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const response = await fetch(url, { headers });
  return { status: response.status, json: await response.json() };
}

/**
 * The user's path, from outside the repository: the workspaces packed into tarballs, installed
 * into a project of `userscope init` and into a host Nest app, as `npm install` from a registry would.
 */
describe('the packed packages, installed outside the repository', () => {
  let work: string;
  let tarballs: Tarballs;
  let project: string;
  let host: string;
  const servers: ServerProcess[] = [];

  /** Starts a server of this suite; it counts as started once it prints `listening`, naming the port it was given. */
  async function startServer(cwd: string, args: string[], listening: (port: number) => RegExp): Promise<string> {
    const port = await freePort();
    const server = ServerProcess.start('npm', args, { cwd, env: outsideEnv({ PORT: String(port) }) });
    servers.push(server);
    const [, url] = await server.waitForOutput(listening(port), SERVER_START_MS);
    return url;
  }

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'userscope-packages-'));
    tarballs = await packWorkspaces(work);
    project = join(work, 'my-app');
    await runCommand(process.execPath, [CLI, 'init', project], work);
    useTarballs(project, tarballs);
    host = join(work, 'host-app');
    cpSync(HOST_APP_FIXTURE, host, { recursive: true });
    useTarballs(host, tarballs);
    await Promise.all([npmInstall(project), npmInstall(host)]);
  }, 4 * 60_000);

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('packs every workspace', () => {
    expect(Object.keys(tarballs).sort()).toEqual([
      '@userscope/batch',
      '@userscope/cluster',
      '@userscope/examples',
      '@userscope/http',
      '@userscope/llm',
      '@userscope/mcp',
      '@userscope/runtime',
      '@userscope/telemetry',
      '@userscope/testing',
      'userscope',
    ]);
  });

  describe('a project written by userscope init', () => {
    it('has the userscope bin, which writes the same project from the installed package', async () => {
      const again = join(work, 'again');
      await runCommand(join(project, 'node_modules', '.bin', 'userscope'), ['init', again], project);
      for (const file of ['src/visits/visits.function.ts', 'src/greeting/greeting.function.ts', 'test/app.spec.ts']) {
        expect(readFileSync(join(again, file), 'utf8')).toBe(readFileSync(join(project, file), 'utf8'));
      }
    });

    it('passes its own npm test (jest with @userscope/testing)', async () => {
      const { stdout, stderr } = await runCommand('npm', ['test'], project);
      expect(`${stdout}\n${stderr}`).toMatch(/Tests:\s+2 passed, 2 total/);
    }, 2 * 60_000);

    it('serves its workflow on $PORT with npm start', async () => {
      const url = await startServer(project, ['start'], (port) => new RegExp(`Serving .* at (http://\\S+:${port})`));
      expect(await getJson(`${url}/health`)).toEqual({ status: 200, json: { status: 'healthy' } });
      expect(await generateAs(url, 'alice', { name: 'Alice' })).toEqual({ status: 200, json: { message: 'Hello, Alice! This is visit 1.', visits: 1 } });
      expect((await generateAs(url, 'alice', { name: 'Alice' })).json.visits).toBe(2);
      expect((await generateAs(url, 'bob', { name: 'Bob' })).json.visits).toBe(1);
    }, SERVER_START_MS + 30_000);
  });

  describe('a host Nest app that imports UserscopeModule.forRoot', () => {
    let url: string;
    beforeAll(async () => {
      // Its own tsc, strict and with skipLibCheck off: the packages' .d.ts are what it compiles against.
      await runCommand('npm', ['run', 'build'], host);
      url = await startServer(host, ['start'], (port) => new RegExp(`Host app listening at (http://\\S+:${port})`));
    }, 2 * 60_000);

    it('resolves the packages from its own node_modules', async () => {
      const { stdout } = await runCommand(process.execPath, ['-p', "require.resolve('@userscope/runtime')"], host);
      expect(stdout.trim()).toBe(join(host, 'node_modules', '@userscope', 'runtime', 'dist', 'index.js'));
      const runtime = JSON.parse(readFileSync(join(host, 'node_modules', '@userscope', 'runtime', 'package.json'), 'utf8'));
      expect(runtime.types).toBe('dist/index.d.ts');
    });

    it("answers its own route behind its own guard, refusals in Nest's shape", async () => {
      expect(await getJson(`${url}/host/hello`, { 'x-host-key': 'host-secret' })).toEqual({ status: 200, json: { hello: 'from the host app' } });
      expect(await getJson(`${url}/host/hello`)).toEqual({
        status: 403,
        json: { statusCode: 403, message: 'Forbidden resource', error: 'Forbidden' },
      });
    });

    it("serves Userscope's /generate as a user, next to the host's routes", async () => {
      const reply = await generateAs(url, 'alice', { command: 'note', action: 'add', param1: 'from alice' });
      expect(reply).toEqual({
        status: 200,
        json: { success: true, message: 'Note added successfully', data: { notes: [], count: 1, commands_executed: 1 } },
      });
      expect((await generateAs(url, 'bob', { command: 'note', action: 'count' })).json.data.count).toBe(0);
    });

    it("keeps Userscope's error shape on Userscope's routes", async () => {
      const reply = await generateAs(url, 'alice', { command: 5 });
      expect(reply.status).toBe(400);
      expect(reply.json).toEqual({
        code: 'invalid_input',
        message: expect.any(String),
        details: [{ field: 'command', errors: ['command must be a string'] }],
      });
    });

    it("runs a user's workflow from the host's own controller, with that user's instances", async () => {
      await generateAs(url, 'carol', { command: 'help' });
      const stats = await getJson(`${url}/host/stats/carol`, { 'x-host-key': 'host-secret' });
      expect(stats).toEqual({ status: 200, json: expect.objectContaining({ data: { commands_executed: 2 } }) });
    });
  });
});

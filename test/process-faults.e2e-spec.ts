import { CliServer, startCliServer } from './support/cli-server';

const CONFIG = 'test/fixtures/faults.yml';

/** POST /generate as `user`. */
function generate(server: CliServer, user: string, action: string): Promise<Response> {
  return fetch(`${server.url}/generate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: `nat-session=${user}` },
    body: JSON.stringify({ action }),
  });
}

describe('a function that crashes (userscope serve)', () => {
  let server: CliServer | undefined;
  afterEach(async () => {
    await server?.process.stop(2000);
    server = undefined;
  });

  it('logs a rejection it left unhandled with the function and the user, counts it, and keeps serving', async () => {
    server = await startCliServer(CONFIG);
    expect((await generate(server, 'mallory', 'reject_unhandled')).status).toBe(200);
    await server.process.waitForOutput(/Unhandled promise rejection.*/, 5000);
    const line = server.process.printed.split('\n').find((l) => l.includes('Unhandled promise rejection'))!;
    expect(line).toContain("function 'fault_workflow'");
    expect(line).toContain("user 'mallory'");
    expect(line).toContain('left unhandled for mallory');
    const other = await generate(server, 'alice', 'ok');
    expect(await other.json()).toEqual({ user: 'alice', action: 'ok' });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^userscope_unhandled_rejections_total 1$/m);
  });

  it('names no user when currentSession() is not tracked, and still keeps serving', async () => {
    server = await startCliServer(CONFIG, { TRACK_SESSION: 'false' });
    await generate(server, 'mallory', 'reject_unhandled');
    const [line] = await server.process.waitForOutput(/Unhandled promise rejection.*/, 5000);
    expect(line).toContain('user unknown');
    expect((await generate(server, 'alice', 'ok')).status).toBe(200);
  });

  it('on an uncaught exception, logs it and shuts down gracefully: cleanup runs, exit code 1', async () => {
    server = await startCliServer(CONFIG);
    expect((await generate(server, 'eve', 'ok')).status).toBe(200);
    await generate(server, 'trent', 'throw_uncaught');
    const code = await server.process.exited;
    const printed = server.process.printed;
    expect(code).toBe(1);
    expect(printed).toMatch(/Uncaught exception.*thrown outside any request for trent/);
    expect(printed).toContain('fault:cleanup:eve');
    expect(printed).toContain('fault:cleanup:trent');
  });
});

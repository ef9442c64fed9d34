import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startServer, TestServer } from './support/test-server';
import { BuildGate, SessionProbeFunction } from './fixtures/session-probe.plugin';

describe('per-user sessions over HTTP', () => {
  describe('the seed example', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer('configs/config.yml');
    });
    afterAll(() => server.close());

    it('gives 200 new users arriving at once each their own state', async () => {
      const users = Array.from({ length: 200 }, (_, i) => `user-${i}`);
      const added = await Promise.all(
        users.map((user) => server.post('/generate', { command: 'note', action: 'add', param1: `note of ${user}` }, user)),
      );
      expect(added.map((reply) => reply.json?.data)).toEqual(users.map(() => ({ notes: [], count: 1, commands_executed: 1 })));
      const listed = await Promise.all(users.map((user) => server.post('/generate', { command: 'note', action: 'list' }, user)));
      expect(listed.map((reply) => reply.json.data.notes)).toEqual(users.map((user) => [`note of ${user}`]));
    });

    it('builds one set of instances for simultaneous first requests of one user', async () => {
      const replies = await Promise.all(Array.from({ length: 20 }, () => server.post('/generate', { command: 'stats' }, 'twin')));
      const counts = replies.map((reply) => reply.json.data.commands_executed).sort((a, b) => a - b);
      expect(counts).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    });
  });

  describe('the current user inside shared functions', () => {
    let server: TestServer;
    let dir: string;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'userscope-whoami-'));
      const file = join(dir, 'whoami.yml');
      const plugin = resolve(__dirname, 'fixtures/graph.plugin');
      writeFileSync(file, `general:\n  track_current_session: true\n  plugins: [${JSON.stringify(plugin)}]\nfunctions:\n  whoami: { _type: shared_whoami }\nworkflow:\n  _type: pu_router\n  target: whoami\n`);
      server = await startServer(file);
    });
    afterAll(async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('is the calling user, across awaits, for concurrent users', async () => {
      const users = Array.from({ length: 50 }, (_, i) => `who-${i}`);
      const replies = await Promise.all(users.map((user) => server.post('/generate', {}, user)));
      expect(replies.map((reply) => reply.json.user)).toEqual(users);
    });
  });

  describe('building users', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer('test/fixtures/session-probe.yml');
    });
    afterAll(() => server.close());
    beforeEach(() => {
      SessionProbeFunction.built = [];
      BuildGate.reset();
    });

    it('builds each user once, on the first request, never at startup', async () => {
      expect(SessionProbeFunction.built).toEqual([]);
      const replies = await Promise.all(Array.from({ length: 10 }, () => server.post('/generate', {}, 'once')));
      expect(replies.every((reply) => reply.status === 200)).toBe(true);
      expect(SessionProbeFunction.built).toEqual(['once']);
    });

    it('does not make a new user wait for another user still being built (no global lock)', async () => {
      const slow = server.post('/generate', {}, 'slow-user');
      let slowDone = false;
      void slow.then(() => (slowDone = true));
      const fast = await server.post('/generate', {}, 'fast-user');
      expect(fast.json).toEqual({ user: 'fast-user', calls: 1 });
      expect(slowDone).toBe(false);
      BuildGate.open();
      expect((await slow).json).toEqual({ user: 'slow-user', calls: 1 });
    });
  });
});

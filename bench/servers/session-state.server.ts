import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { createUserscopeApp, loadApplication } from 'userscope';
import { serveInChild } from '../harness/child-server';

/**
 * The session-state bench's server: the seed example as `npm start` serves it (argv[2] `memory`),
 * or as a cluster of one with `session_state: redis` (`redis`: bench/fixtures/session-state.yml).
 */
serveInChild(async () => {
  const config = process.argv[2] === 'redis' ? 'bench/fixtures/session-state.yml' : 'configs/config.yml';
  const app = await createUserscopeApp(loadApplication(config), { logger: false });
  await app.listen(0, '127.0.0.1');
  return { port: (app.getHttpServer().address() as AddressInfo).port, close: () => app.close() };
});

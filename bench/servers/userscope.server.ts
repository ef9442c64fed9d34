import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { createUserscopeApp, loadApplication } from 'userscope';
import { serveInChild } from '../harness/child-server';

/** The server under test: Userscope serving the seed example, as `npm start` does but silent. */
serveInChild(async () => {
  const app = await createUserscopeApp(loadApplication('configs/config.yml'), { logger: false });
  await app.listen(0, '127.0.0.1');
  return { port: (app.getHttpServer().address() as AddressInfo).port, close: () => app.close() };
});

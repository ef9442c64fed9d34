import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { createUserscopeApp, loadApplication } from 'userscope';
import { serveInChild } from '../harness/child-server';

/** Userscope serving the config file given as the first argument (default configs/config.yml), silent. */
serveInChild(async () => {
  const app = await createUserscopeApp(loadApplication(process.argv[2] ?? 'configs/config.yml'), { logger: false });
  await app.listen(0, '127.0.0.1');
  return { port: (app.getHttpServer().address() as AddressInfo).port, close: () => app.close() };
});

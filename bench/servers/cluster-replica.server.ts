import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { createUserscopeApp, loadApplication } from 'userscope';
import { serveInChild } from '../harness/child-server';

/**
 * One replica of the cluster benches: the seed example in cluster mode (bench/fixtures/cluster-seed.yml),
 * its Redis, id, lease_ttl and key prefix from the environment the bench gives it; silent.
 */
serveInChild(async () => {
  const app = await createUserscopeApp(loadApplication('bench/fixtures/cluster-seed.yml'), { logger: false });
  await app.listen(0, '127.0.0.1');
  return { port: (app.getHttpServer().address() as AddressInfo).port, close: () => app.close() };
});

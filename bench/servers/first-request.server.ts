import type { AddressInfo } from 'node:net';
import { serveInChild } from '../harness/child-server';
import { BuildVariant, firstRequestApp } from '../first-request/first-request-app';

/** The first-request bench's server: bench/fixtures/first-request.yml, with the global build lock when argv[2] is `global-lock`. */
serveInChild(async () => {
  const app = await firstRequestApp((process.argv[2] ?? 'userscope') as BuildVariant);
  await app.listen(0, '127.0.0.1');
  return { port: (app.getHttpServer().address() as AddressInfo).port, close: () => app.close() };
});

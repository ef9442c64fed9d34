import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { readConfigFile } from '@userscope/runtime';
import { createUserscopeApp, loadApplication, UserscopeConfigDocument } from 'userscope';
import { serveInChild } from '../harness/child-server';

/**
 * The seed example (configs/config.yml) as the tracing bench serves it: with BENCH_OTLP_ENDPOINT,
 * GenAI tracing at sample_ratio 1 to that receiver; without it the config is the file's, and the
 * server refuses to start if the telemetry package or the SDK got loaded all the same (tracing off
 * must be the code path of a server that has no telemetry package).
 */
serveInChild(async () => {
  const endpoint = process.env.BENCH_OTLP_ENDPOINT;
  const raw = readConfigFile('configs/config.yml', process.env);
  if (endpoint) {
    const general = (raw.document.general ??= {}) as Record<string, unknown>;
    general.telemetry = { user_id_key: 'bench-'.repeat(6), tracing: { bench: { _type: 'otelcollector', endpoint, sample_ratio: 1 } } };
  }
  const app = await createUserscopeApp(loadApplication({ config: raw.document as unknown as UserscopeConfigDocument, baseDir: raw.dir }), { logger: false });
  const loaded = Object.keys(require.cache).filter((file) => /[/\\](libs[/\\]telemetry|@userscope[/\\]telemetry|@opentelemetry[/\\]sdk-trace)/.test(file));
  if (!endpoint && loaded.length > 0) throw new Error(`tracing is off, yet these were loaded: ${loaded.slice(0, 3).join(', ')}`);
  if (endpoint && loaded.length === 0) throw new Error('tracing is on, yet the telemetry package was not loaded');
  await app.listen(0, '127.0.0.1');
  return { port: (app.getHttpServer().address() as AddressInfo).port, close: () => app.close() };
});

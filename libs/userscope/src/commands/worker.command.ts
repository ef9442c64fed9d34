import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createServer, Server } from 'node:http';
import { readBatchConfig, WorkerPresence } from '@userscope/batch';
import { clusterConfigOf } from '@userscope/cluster';
import { loadApplication } from '../application.loader';
import { UserscopeModule } from '../userscope.module';
import { CliCommand, CONFIG_OPTIONS, configFileOption, UsageError } from './cli-command';

/** How long stopping may take beyond the shutdown grace period before the worker exits anyway. */
const STOP_MARGIN_MS = 2000;

const usage = `Usage: userscope worker --config_file PATH [--concurrency N] [--health_port PORT] [--host HOST]

Works the batch job queue (batch.queue: bullmq) of a config's runs, with no HTTP API: any number of
workers, on any machine sharing the config's Redis, work the same runs. SIGTERM stops taking jobs;
those running get a moment, then wait for another worker.
  --config_file, --config PATH  the YAML config (its batch section, functions and llms)
  --concurrency N               jobs at once (default: batch.worker_concurrency)
  --health_port PORT            answer GET /health on this port (the worker's id and its jobs)
  --host HOST                   address of the health port (default: localhost)`;

export const workerCommand: CliCommand = {
  name: 'worker',
  summary: 'work the batch job queue (batch.queue: bullmq), without an HTTP API',
  usage,
  options: { ...CONFIG_OPTIONS, concurrency: { type: 'string' }, health_port: { type: 'string' }, host: { type: 'string' } },
  async run(values) {
    const file = configFileOption(values, usage);
    const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
    if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 10_000)) {
      throw new UsageError('--concurrency must be an integer from 1 to 10000.');
    }
    const healthPort = values.health_port === undefined ? undefined : Number(values.health_port);
    if (healthPort !== undefined && (!Number.isInteger(healthPort) || healthPort < 0 || healthPort > 65535)) throw new UsageError('--health_port must be 0-65535.');
    const logger = new Logger('Userscope');
    const loaded = loadApplication(file);
    loaded.config.warnings.forEach((warning) => logger.warn(warning));
    const { settings } = readBatchConfig(loaded.config);
    if (settings.queue !== 'bullmq') {
      console.error(`${file}: a worker works the job queue, and this config has none: set batch.queue: bullmq (with batch.store: redis).`);
      return 1;
    }
    if (clusterConfigOf(loaded.config)) {
      // A worker is no replica: it could not run a user's functions on the user's owner, and would build a second copy of the user's state.
      console.error(`${file}: userscope worker does not take general.cluster yet. In cluster mode the replicas work the jobs (batch.worker: true), each user's function nodes on the user's owner.`);
      return 1;
    }
    // A worker works jobs whatever batch.worker says (that is the servers' setting).
    settings.worker = true;
    if (concurrency !== undefined) settings.worker_concurrency = concurrency;
    const app = await NestFactory.createApplicationContext(UserscopeModule.fromApplication(loaded), { logger: ['log', 'error', 'warn'], abortOnError: false });
    const presence = app.get(WorkerPresence);
    let health: Server | undefined;
    if (healthPort !== undefined) {
      health = createServer((request, reply) => {
        const ok = request.url === '/health' && request.method === 'GET';
        reply.writeHead(ok ? 200 : 404, { 'content-type': 'application/json' });
        reply.end(JSON.stringify(ok ? { status: 'ok', worker: presence.id } : { code: 'not_found', message: 'A worker answers GET /health only.' }));
      });
      await new Promise<void>((resolve) => health!.listen(healthPort, typeof values.host === 'string' ? values.host : 'localhost', resolve));
      const address = health.address();
      logger.log(`Worker health at http://localhost:${typeof address === 'object' && address ? address.port : healthPort}/health`);
    }
    logger.log(`Worker ${presence.id} working '${file}'`);
    await new Promise<void>((resolve) => {
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) process.exit(1); // a second signal: at once
        stopping = true;
        logger.log(`${signal}: no new jobs; stopping`);
        const deadline = setTimeout(() => {
          logger.warn('The worker did not stop in time; exiting anyway');
          process.exit(0);
        }, loaded.config.general.shutdown_grace_period * 1000 + STOP_MARGIN_MS);
        health?.close();
        await app.close().catch((error: Error) => logger.error(`Stopping failed: ${error.message}`));
        clearTimeout(deadline);
        logger.log('Stopped cleanly');
        resolve();
      };
      for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void stop(signal));
    });
    return 0;
  },
};

import { INestApplication, Logger } from '@nestjs/common';
import type { Server } from 'node:http';

export interface GracefulShutdownOptions {
  /** How long requests in flight may run after the signal before their connections are closed. */
  graceMs: number;
  /** Ends the process; injectable for tests. */
  exit?: (code: number) => void;
  logger?: Logger;
}

/**
 * What SIGTERM/SIGINT do: stop accepting, let requests in flight finish (up to the grace period),
 * run every user's cleanup (the runtime's shutdown hook), then exit 0. A second signal exits at once.
 * Nest's own `enableShutdownHooks()` re-raises the signal and so exits non-zero; this does not.
 */
export function gracefulShutdown(app: INestApplication, options: GracefulShutdownOptions): (signal: string) => Promise<void> {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const logger = options.logger ?? new Logger('Shutdown');
  let closing = false;
  return async (signal) => {
    if (closing) {
      logger.warn(`${signal} again: exiting without waiting`);
      exit(1);
      return;
    }
    closing = true;
    logger.log(`${signal}: no new requests; waiting up to ${options.graceMs} ms for requests in flight`);
    const server = app.getHttpServer() as Server;
    const force = setTimeout(() => {
      logger.warn('Grace period over: closing the connections still open');
      server.closeAllConnections();
    }, options.graceMs);
    force.unref();
    // A connection whose last request finishes during the grace period is then idle: close it too.
    const idle = setInterval(() => server.closeIdleConnections(), 50);
    idle.unref();
    try {
      await app.close();
      clearTimeout(force);
      clearInterval(idle);
      logger.log('Stopped cleanly');
      exit(0);
    } catch (error) {
      clearInterval(idle);
      logger.error(`Shutdown failed: ${(error as Error).message}`);
      exit(1);
    }
  };
}

/** Wires `gracefulShutdown` to SIGTERM and SIGINT. */
export function enableGracefulShutdown(app: INestApplication, options: GracefulShutdownOptions): void {
  const handler = gracefulShutdown(app, options);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void handler(signal));
}

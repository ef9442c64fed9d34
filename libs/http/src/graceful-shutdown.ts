import { INestApplication, Logger } from '@nestjs/common';
import { ProcessFaultListener, ShutdownProgress } from '@userscope/runtime';
import type { Server } from 'node:http';

/** How long cleanup may take after the grace period before the process exits anyway. */
export const SHUTDOWN_MARGIN_MS = 2000;

export interface GracefulShutdownOptions {
  /** How long requests in flight may run after the signal before their connections are closed. */
  graceMs: number;
  /** How long cleanup may run after `graceMs` before the process exits anyway; default SHUTDOWN_MARGIN_MS. */
  marginMs?: number;
  /** Ends the process; injectable for tests. */
  exit?: (code: number) => void;
  logger?: Logger;
}

/** `enableGracefulShutdown`'s options. */
export interface GracefulShutdownWiring extends GracefulShutdownOptions {
  /**
   * Also handle the process's faults (`userscope serve` does): a rejection a function left unhandled
   * is logged and counted and the server keeps serving; an uncaught exception is logged, then the
   * app shuts down as on SIGTERM and the process exits 1. Off by default: a host app may have its own.
   */
  processFaults?: boolean;
}

/**
 * What SIGTERM/SIGINT do: stop accepting, let requests in flight finish (up to the grace period),
 * run every user's cleanup (the runtime's shutdown hook), then exit 0. Whatever still runs
 * `marginMs` after the grace period is named in the log and abandoned, and the process exits 0 all
 * the same. A second signal exits at once. Nest's own `enableShutdownHooks()` re-raises the signal
 * and so exits non-zero; this does not. The handler's `exitCode` is for a fault (1).
 */
export function gracefulShutdown(app: INestApplication, options: GracefulShutdownOptions): (signal: string, exitCode?: number) => Promise<void> {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const logger = options.logger ?? new Logger('Shutdown');
  const marginMs = options.marginMs ?? SHUTDOWN_MARGIN_MS;
  let closing = false;
  return async (signal, exitCode = 0) => {
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
    // Not unref'd: a hung cleanup holds no handle, so without it the process could end silently, mid-cleanup.
    const deadline = setTimeout(() => {
      const abandoned = app.get(ShutdownProgress, { strict: false }).abandoned();
      logger.warn(`Shutdown did not finish within ${options.graceMs + marginMs} ms; exiting anyway. Abandoned at shutdown: ${abandoned.join(', ') || 'nothing the app tracks (a shutdown hook still running)'}`);
      exit(exitCode);
    }, options.graceMs + marginMs);
    // A connection whose last request finishes during the grace period is then idle: close it too.
    const idle = setInterval(() => server.closeIdleConnections(), 50);
    idle.unref();
    try {
      await app.close();
      logger.log('Stopped cleanly');
      exit(exitCode);
    } catch (error) {
      logger.error(`Shutdown failed: ${(error as Error).message}`);
      exit(1);
    } finally {
      clearTimeout(force);
      clearTimeout(deadline);
      clearInterval(idle);
    }
  };
}

/** Wires `gracefulShutdown` to SIGTERM and SIGINT, and with `processFaults` to the process's faults. */
export function enableGracefulShutdown(app: INestApplication, options: GracefulShutdownWiring): void {
  const handler = gracefulShutdown(app, options);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void handler(signal));
  if (options.processFaults) app.get(ProcessFaultListener, { strict: false }).install(() => void handler('uncaughtException', 1));
}

import { Injectable, Logger } from '@nestjs/common';
import { currentFunctionName, currentSession, isTrackingCurrentSession } from '../session/current-session';
import { RuntimeMessages } from '../runtime.messages';

/** Faults seen so far, for /metrics. */
export interface ProcessFaultCounters {
  unhandledRejections: number;
}

/**
 * What a function's fault outside its request does to the process. A rejection it left unhandled
 * is logged, naming the function and the user when `currentSession()` is tracked (Node runs the
 * handler in the rejected promise's async context), and counted; the server keeps serving. An
 * uncaught exception is logged and handed to `onUncaughtException` (the server shuts down), since
 * the process's state can no longer be trusted.
 */
@Injectable()
export class ProcessFaultListener {
  private readonly logger = new Logger('Faults');
  readonly counters: ProcessFaultCounters = { unhandledRejections: 0 };
  private uninstall: (() => void) | undefined;

  /** Installs the process handlers (once; again after `remove()`). */
  install(onUncaughtException: (error: unknown) => void): void {
    if (this.uninstall) return;
    const rejection = (reason: unknown) => this.onUnhandledRejection(reason);
    const exception = (error: unknown) => {
      this.logger.error(RuntimeMessages.uncaughtException(this.attribution(), describe(error)), stackOf(error));
      onUncaughtException(error);
    };
    process.on('unhandledRejection', rejection);
    process.on('uncaughtException', exception);
    this.uninstall = () => {
      process.off('unhandledRejection', rejection);
      process.off('uncaughtException', exception);
    };
  }

  /** Removes the process handlers (an app closed in a process that goes on). */
  remove(): void {
    this.uninstall?.();
    this.uninstall = undefined;
  }

  onUnhandledRejection(reason: unknown): void {
    this.counters.unhandledRejections++;
    this.logger.error(RuntimeMessages.unhandledRejection(this.attribution(), describe(reason)), stackOf(reason));
  }

  private attribution(): string {
    if (!isTrackingCurrentSession()) return RuntimeMessages.faultUnattributed();
    const fn = currentFunctionName();
    const user = currentSession()?.userId;
    return `${fn ? `function '${fn}'` : 'function unknown'}, ${user ? `user '${user}'` : 'no user'}`;
  }
}

function describe(reason: unknown): string {
  return reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);
}

function stackOf(reason: unknown): string | undefined {
  return reason instanceof Error ? reason.stack : undefined;
}

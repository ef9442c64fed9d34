/** What a bench server module hands to the harness once it listens. */
export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

/** Messages between the bench (parent) and a forked server. */
export type ServerMessage = { listening: number };
export const STOP_MESSAGE = 'stop';

/**
 * Runs a bench server inside a forked child: reports its port, and on `stop` closes it and exits
 * normally (a signal would skip `--cpu-prof`'s profile and Nest's shutdown hooks would re-raise it).
 */
export function serveInChild(start: () => Promise<RunningServer>): void {
  // An orphan would keep a port and a core busy for the next server.
  process.on('disconnect', () => process.exit(0));
  start().then(
    (server) => {
      process.on('message', (message) => {
        if (message !== STOP_MESSAGE) return;
        server.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      });
      process.send!({ listening: server.port } satisfies ServerMessage);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

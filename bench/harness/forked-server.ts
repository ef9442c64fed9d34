import { ChildProcess, fork } from 'node:child_process';
import { ServerMessage, STOP_MESSAGE } from './child-server';

/** A bench server listening on loopback in its own process, so it never shares a core's event loop with the load. */
export interface ForkedServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
  /** Sends `signal` (a bench of failures: SIGKILL); resolves once the process has exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

/** Forks the compiled server module `modulePath` (see serveInChild) and waits until it listens. */
export async function forkServer(
  modulePath: string,
  options: { cwd: string; execArgv?: string[]; args?: string[]; env?: NodeJS.ProcessEnv },
): Promise<ForkedServer> {
  const child = fork(modulePath, options.args ?? [], { cwd: options.cwd, execArgv: options.execArgv ?? [], env: options.env ?? process.env, stdio: 'inherit' });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${modulePath} did not listen within ${START_TIMEOUT_MS} ms`));
    }, START_TIMEOUT_MS);
    child.once('message', (message: ServerMessage) => {
      clearTimeout(timer);
      resolve(message.listening);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${modulePath} exited with code ${code} before listening`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    stop: () => stopChild(child),
    kill: (signal) => {
      const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill(signal);
      return exited;
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.send(STOP_MESSAGE);
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

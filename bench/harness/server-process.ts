import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * A server a test or bench started as a child process, in a process group of its own so that `stop()`
 * ends it and whatever it started (`npm start` runs a shell, which runs node), and nothing else.
 */
export class ServerProcess {
  private output = '';
  /** The exit code (null when a signal ended it). */
  readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcess, private readonly label: string) {
    child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static start(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): ServerProcess {
    const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    return new ServerProcess(child, `${command} ${args.join(' ')} in ${options.cwd}`);
  }

  /** Everything it printed so far, stdout and stderr. */
  get printed(): string {
    return this.output;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Sends `signal` to the server process alone (not its group), as an orchestrator does. */
  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Resolves with the first match of `pattern` in the output; rejects if the process ends first or `timeoutMs` passes. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = this.output.match(pattern);
        if (!match) return;
        done();
        resolve(match);
      };
      const fail = (why: string) => {
        done();
        reject(new Error(`${this.label}: ${why} before printing ${pattern}. Its output:\n${this.output.slice(-4000)}`));
      };
      const timer = setTimeout(() => fail(`no match within ${timeoutMs} ms`), timeoutMs);
      const onExit = (code: number | null) => fail(`exited (${code})`);
      const done = () => {
        clearTimeout(timer);
        this.child.stdout!.off('data', check);
        this.child.stderr!.off('data', check);
        this.child.off('exit', onExit);
      };
      this.child.stdout!.on('data', check);
      this.child.stderr!.on('data', check);
      this.child.once('exit', onExit);
      check();
    });
  }

  /** Sends `name` to the process group (SIGSTOP and SIGCONT pause and resume it). */
  signal(name: NodeJS.Signals): void {
    try {
      process.kill(-this.child.pid!, name);
    } catch {
      // The group is gone already.
    }
  }

  /** Ends the process group: SIGTERM, then SIGKILL if it has not exited within `graceMs` (0: SIGKILL at once). */
  async stop(graceMs = 5000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.signal(graceMs === 0 ? 'SIGKILL' : 'SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** A port nothing listens on now: the OS picks it for a listener on port 0, which closes at once. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

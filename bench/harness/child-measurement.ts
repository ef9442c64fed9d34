import { fork } from 'node:child_process';

/** What a measuring child sends back once: its result, or why it failed. */
type MeasurementMessage<T> = { result: T } | { error: string };

export interface ChildOptions {
  cwd: string;
  /** Node flags, e.g. `--expose-gc`. */
  execArgv?: string[];
  /** Handed to the child as `process.argv[2]`, JSON-encoded. */
  params?: unknown;
  timeoutMs?: number;
  /** The child's environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;

/**
 * Runs the compiled module `modulePath` (see measureInChild) in a fresh process and resolves with
 * what it measured. A fresh process per measurement keeps one bench's heap, JIT state and timers
 * out of the next one's numbers.
 */
export function runMeasurement<T>(modulePath: string, options: ChildOptions): Promise<T> {
  const child = fork(modulePath, [JSON.stringify(options.params ?? null)], {
    cwd: options.cwd,
    execArgv: options.execArgv ?? [],
    env: options.env ?? process.env,
    stdio: 'inherit',
  });
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      settle(() => reject(new Error(`${modulePath} did not finish within ${timeoutMs / 1000} s`)));
    }, timeoutMs);
    child.once('message', (message: MeasurementMessage<T>) =>
      settle(() => ('result' in message ? resolve(message.result) : reject(new Error(message.error)))),
    );
    child.once('exit', (code) => settle(() => reject(new Error(`${modulePath} exited with code ${code} before reporting`))));
  });
}

/** The child's side: runs `measure` with the parent's params, sends the result back and exits. */
export function measureInChild<P, T>(measure: (params: P) => Promise<T>): void {
  // An orphan would keep a core busy for the next bench.
  process.on('disconnect', () => process.exit(0));
  const params = JSON.parse(process.argv[2] ?? 'null') as P;
  measure(params).then(
    (result) => process.send!({ result } satisfies MeasurementMessage<T>, () => process.exit(0)),
    (error: unknown) => {
      const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
      process.send!({ error: text } satisfies MeasurementMessage<T>, () => process.exit(1));
    },
  );
}

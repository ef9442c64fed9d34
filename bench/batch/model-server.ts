import { ChildProcess, fork } from 'node:child_process';
import path from 'node:path';

/** What the model server counted since the last reading. */
export interface ModelServerStats {
  requests: number;
  maxInFlight: number;
}

/** The fixed-latency model server in a child process (model-server.child.ts), as a bench drives it. */
export interface ModelServerProcess {
  url: string;
  /** Its counts since the last call, which starts them again from 0. */
  stats(): Promise<ModelServerStats>;
  stop(): void;
}

export async function forkModelServer(latencyMs: number): Promise<ModelServerProcess> {
  const child: ChildProcess = fork(path.join(__dirname, 'model-server.child.js'), { env: { ...process.env, MODEL_LATENCY_MS: String(latencyMs) } });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m: { url: string }) => resolve(m.url));
    child.once('exit', (code) => reject(new Error(`the model server exited with code ${code} before listening`)));
  });
  return {
    url,
    stats: () =>
      new Promise<ModelServerStats>((resolve) => {
        child.once('message', resolve as never);
        child.send('stats');
      }),
    stop: () => void child.kill(),
  };
}

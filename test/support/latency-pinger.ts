import { Worker } from 'node:worker_threads';

// The client runs on its own thread, with its own event loop: what it measures is the server's
// answer time alone, not also how long the test's loop took to read the reply.
const PINGER = `
const { parentPort, workerData } = require('node:worker_threads');
let running = true;
let slowest = 0;
let pings = 0;
parentPort.on('message', () => { running = false; });
(async () => {
  await (await fetch(workerData.url)).arrayBuffer(); // the first fetch loads and compiles the client
  parentPort.postMessage('ready');
  let error;
  while (running) {
    const started = performance.now();
    try {
      const response = await fetch(workerData.url);
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error('GET ' + workerData.url + ' answered ' + response.status);
    } catch (failure) {
      error = String(failure);
      break;
    }
    slowest = Math.max(slowest, performance.now() - started);
    pings++;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  parentPort.postMessage({ slowest, pings, error });
})();
`;

/** Requests `url` back to back from another thread while `work` runs; the slowest answer in ms, and how many there were. */
export async function slowestAnswerDuring(url: string, work: () => Promise<void>): Promise<{ slowest: number; pings: number }> {
  const worker = new Worker(PINGER, { eval: true, workerData: { url } });
  const ready = new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  await ready;
  const result = new Promise<{ slowest: number; pings: number }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  try {
    await work();
  } finally {
    worker.postMessage('stop');
    result.catch(() => undefined); // reported below, or superseded by work's own failure
  }
  const answer: { slowest: number; pings: number; error?: string } = await result;
  await worker.terminate();
  if (answer.error) throw new Error(`the pinger stopped: ${answer.error}`);
  return answer;
}

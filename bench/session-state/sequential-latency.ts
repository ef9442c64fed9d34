import { Agent, request } from 'node:http';
import { LoadRequest } from '../harness/load';

/** Latency percentiles of requests sent one at a time, in ms with µs resolution (autocannon's are whole ms). */
export interface SequentialLatency {
  requests: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Sends `count` requests of `next()` one after another on one kept-alive connection and times each
 * to its last byte: with no queueing, the difference between two servers is what one request costs
 * more, here the Redis round trip of a fenced write.
 */
export async function sequentialLatency(url: string, count: number, next: () => LoadRequest): Promise<SequentialLatency> {
  const { hostname, port } = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const { method, path, headers, body } = next();
      const started = performance.now();
      const status = await new Promise<number>((resolve, reject) => {
        const sent = request({ hostname, port, method, path, headers, agent }, (response) => {
          response.on('data', () => undefined);
          response.on('end', () => resolve(response.statusCode ?? 0));
        });
        sent.on('error', reject);
        sent.end(body);
      });
      times.push(performance.now() - started);
      if (status < 200 || status >= 300) throw new Error(`${method} ${path} answered ${status} in the sequential run`);
    }
  } finally {
    agent.destroy();
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))] * 1000) / 1000;
  return { requests: count, p50Ms: at(0.5), p99Ms: at(0.99) };
}

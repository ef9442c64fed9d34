import autocannon from 'autocannon';

/** One HTTP request the load sends. */
export interface LoadRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface LoadOptions {
  url: string;
  connections: number;
  seconds: number;
  /** Stop after this many requests instead of after `seconds`. */
  amount?: number;
  /** Called once per request sent, so every request can carry another user. */
  next(): LoadRequest;
}

/** What one autocannon run measured. Latencies are of 2xx replies only (autocannon's rule). */
export interface LoadResult {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** How long the run took: to the last response for a fixed amount, else autocannon's duration. */
  durationSeconds: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  // autocannon ends a run on its next 1 s sample tick, so for a fixed amount its duration is rounded
  // up to whole seconds; the last response's time is exact.
  const started = performance.now();
  let lastResponseAt = started;
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    ...(options.amount ? { amount: options.amount } : {}),
    requests: [
      {
        setupRequest: (request) => ({ ...request, ...options.next() }),
        ...(options.amount ? { onResponse: () => void (lastResponseAt = performance.now()) } : {}),
      },
    ],
  });
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]));
  return {
    requestsPerSec: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    durationSeconds: options.amount ? (lastResponseAt - started) / 1000 : result.duration,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
  };
}

/** Fails loudly when any request did not get a 2xx: a fast server answering errors measures nothing. */
export function assertAllSucceeded(result: LoadResult, what: string): void {
  if (result.non2xx === 0 && result.errors === 0 && result.timeouts === 0) return;
  throw new Error(
    `${what}: ${result.non2xx} non-2xx replies, ${result.errors} errors, ${result.timeouts} timeouts ` +
      `out of ${result.requests} requests; status codes ${JSON.stringify(result.statusCodes)}`,
  );
}

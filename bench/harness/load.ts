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
  /** Called once per request sent, so every request can carry another user. */
  next(): LoadRequest;
}

/** What one autocannon run measured. Latencies are of 2xx replies only (autocannon's rule). */
export interface LoadResult {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    requests: [{ setupRequest: (request) => ({ ...request, ...options.next() }) }],
  });
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]));
  return {
    requestsPerSec: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
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

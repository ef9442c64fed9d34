import type { MonitorSnapshot } from '@/lib/api';

/** One poll of `/monitor/users`, reduced to the totals the chart draws. */
export interface MonitorSample {
  time: number;
  activeUsers: number;
  activeRequests: number;
  totalRequests: number;
  totalTokens: number;
  /** Request-weighted mean of the users' average latencies. */
  avgLatencyMs: number;
}

export function sampleOf(snapshot: MonitorSnapshot, time = Date.parse(snapshot.timestamp) || Date.now()): MonitorSample {
  let requests = 0;
  let latencyWeighted = 0;
  let tokens = 0;
  let active = 0;
  for (const user of snapshot.users) {
    requests += user.requests.total_requests;
    latencyWeighted += user.requests.avg_latency_ms * user.requests.total_requests;
    tokens += user.llm?.total_tokens ?? 0;
    active += user.requests.active_requests;
  }
  return {
    time,
    activeUsers: snapshot.total_active_users,
    activeRequests: active,
    totalRequests: requests,
    totalTokens: tokens,
    avgLatencyMs: requests ? latencyWeighted / requests : 0,
  };
}

/** Keeps the last `limit` samples. */
export function appendSample(history: MonitorSample[], sample: MonitorSample, limit: number): MonitorSample[] {
  return [...history, sample].slice(-limit);
}

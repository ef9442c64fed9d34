import { LoadResult } from './load';

export function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The median over rounds of each figure a load run reports. */
export function medianLoad(rounds: LoadResult[]): { requestsPerSec: number; p50Ms: number; p99Ms: number } {
  return {
    requestsPerSec: medianOf(rounds.map((r) => r.requestsPerSec)),
    p50Ms: medianOf(rounds.map((r) => r.p50Ms)),
    p99Ms: medianOf(rounds.map((r) => r.p99Ms)),
  };
}

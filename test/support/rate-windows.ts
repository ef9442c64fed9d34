/**
 * The most of `times` (ms) in any span shorter than `windowMs`: what a rate limit of N per window
 * must keep at N or less. Times `windowMs` apart fall in different spans.
 */
export function mostInAnyWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let first = 0, last = 0; last < sorted.length; last++) {
    while (sorted[last] - sorted[first] >= windowMs) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

import path from 'node:path';
import { runMeasurement } from './harness/child-measurement';
import type { TokenCountParams, TokenCountTiming } from './token-count/measure.child';

export interface TokenCountSettings {
  repoRoot: string;
  chars: number;
}

export function tokenCountSettings(repoRoot: string): TokenCountSettings {
  return { repoRoot, chars: Number(process.env.BENCH_TOKEN_CHARS ?? 20_000) };
}

/**
 * countTextTokens (what usage, budgets and the chat agent's memory count with) against gpt-tokenizer's
 * countTokens on the whole text, for ordinary and hostile texts of one length, in a fresh process.
 */
export function runTokenCountBench(settings: TokenCountSettings): Promise<TokenCountTiming[]> {
  return runMeasurement<TokenCountTiming[]>(path.join(__dirname, 'token-count', 'measure.child.js'), {
    cwd: settings.repoRoot,
    params: { chars: settings.chars } satisfies TokenCountParams,
  });
}

export function renderTokenCountReport(timings: TokenCountTiming[], machineLine: string): string {
  const chars = timings[0]?.chars ?? 0;
  const rows = timings.map(
    (t) =>
      `| ${t.kind} | ${t.wholeMs.toFixed(1)} | ${t.userscopeMs.toFixed(1)} | **${(t.wholeMs / t.userscopeMs).toFixed(1)}×** | ${t.wholeTokens} | ${t.userscopeTokens} | ${((100 * (t.userscopeTokens - t.wholeTokens)) / t.wholeTokens).toFixed(1)} % |`,
  );
  return [
    `## Token counting: ${chars.toLocaleString('en-US')} characters of ordinary and hostile text`,
    '',
    machineLine,
    '',
    "`countTextTokens` (usage for servers that report none and for `echo`, budgets, the chat agent's memory) against the",
    "baseline, gpt-tokenizer's `countTokens` on the whole text, in one fresh process; each text made afresh (no cache hits).",
    'The tokenizer\'s cost grows with the square of a run of characters with no break between words; `countTextTokens`',
    'counts such runs in pieces of 128, and gives the tokenizer at most the first 16,384 characters of one count, the rest scaled.',
    '',
    '| text | whole, ms | countTextTokens, ms | speed-up | tokens, whole | tokens, counted | difference |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}

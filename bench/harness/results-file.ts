import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const TITLE =
  '# Benchmark results\n\nWritten by `npm run bench`; each bench owns the section between its markers. ' +
  'Run one bench with `npm run bench -- <name>` (see bench/README.md).\n';

/**
 * Writes `content` between `<!-- name:start -->` and `<!-- name:end -->` in `file`, keeping
 * everything else (other benches' sections, hand-written notes) as it is.
 */
export function writeSection(file: string, name: string, content: string): void {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${start}\n${content.trim()}\n${end}`;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : TITLE;
  const from = current.indexOf(start);
  const to = current.indexOf(end, from);
  const next =
    from >= 0 && to >= 0
      ? current.slice(0, from) + block + current.slice(to + end.length)
      : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
}

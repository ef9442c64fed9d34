import { spawnSync } from 'node:child_process';

/** The commit measured, marked when the server code had uncommitted changes (results are then not reproducible from the commit). */
export function codeVersion(repoRoot: string, paths = ['src', 'libs', 'configs']): string {
  const git = (...args: string[]) => spawnSync('git', args, { cwd: repoRoot, encoding: 'utf8' });
  const head = git('rev-parse', '--short', 'HEAD');
  if (head.status !== 0) return 'unknown';
  const dirty = git('status', '--porcelain', '--', ...paths).stdout.trim() !== '';
  return `${head.stdout.trim()}${dirty ? ' + uncommitted changes' : ''}`;
}

import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository's root: the workspace the packages are packed from. */
export const REPO_ROOT = join(__dirname, '..', '..');

/** Where a command ran and what it printed, for a failure message that explains itself. */
export interface CommandOutput {
  stdout: string;
  stderr: string;
}

/** Package name → the absolute path of its tarball. */
export type Tarballs = Record<string, string>;

/**
 * The environment of a command run in a project outside the repository: without the `npm_*`
 * settings of the `npm test` that started jest (its prefix, its workspace), which would make the
 * inner npm act on this repository. The cache and registry stay, so a CI's choice of them holds.
 */
export function outsideEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const kept = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig']);
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) || kept.has(key.toLowerCase())),
  );
  delete env.INIT_CWD;
  delete env.JEST_WORKER_ID;
  return { ...env, NO_COLOR: '1', ...extra };
}

/** Runs a command to its end; rejects with the command, its exit code and the end of its output. */
export function runCommand(command: string, args: string[], cwd: string, env = outsideEnv()): Promise<CommandOutput> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve({ stdout, stderr });
      const output = `${stdout}\n${stderr}`.trim().split('\n').slice(-40).join('\n');
      reject(Object.assign(new Error(`\`${command} ${args.join(' ')}\` in ${cwd} failed (${error.code ?? error.signal}):\n${output}`), { stdout, stderr }));
    });
  });
}

/**
 * Packs every workspace into `destination` as `npm publish` would. The packages must be built
 * (`npm test` builds them first, in pretest).
 */
export async function packWorkspaces(destination: string): Promise<Tarballs> {
  const workspaces: string[] = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).workspaces;
  const unbuilt = workspaces.filter((workspace) => !existsSync(join(REPO_ROOT, workspace, 'dist', 'index.js')));
  if (unbuilt.length > 0) {
    throw new Error(`Not built: ${unbuilt.join(', ')} (no dist/index.js). Run \`npm run build:libs\` first; \`npm test\` does it in pretest.`);
  }
  const { stdout } = await runCommand('npm', ['pack', '--workspaces', '--pack-destination', destination, '--json'], REPO_ROOT);
  const packed: { name: string; filename: string }[] = JSON.parse(stdout);
  return Object.fromEntries(packed.map((pkg) => [pkg.name, join(destination, pkg.filename)]));
}

/**
 * Points a project's package.json at the tarballs: its own dependencies on them, and, as
 * `overrides`, the copies the packages ask for of each other (those versions are on no registry).
 */
export function useTarballs(projectDir: string, tarballs: Tarballs): void {
  const file = join(projectDir, 'package.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8'));
  const spec = (name: string) => `file:${tarballs[name]}`;
  for (const field of ['dependencies', 'devDependencies']) {
    for (const name of Object.keys(manifest[field] ?? {})) if (name in tarballs) manifest[field][name] = spec(name);
  }
  manifest.overrides = Object.fromEntries(Object.keys(tarballs).map((name) => [name, spec(name)]));
  writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** `npm install` in a project, from the local npm cache where it can. A registry out of reach fails with a message saying so. */
export async function npmInstall(projectDir: string): Promise<void> {
  try {
    await runCommand('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], projectDir);
  } catch (error) {
    const { message } = error as Error;
    if (/E(NOTFOUND|AI_AGAIN|TIMEDOUT|CONNREFUSED|CONNRESET|NETUNREACH)|network/i.test(message)) {
      throw new Error(
        `npm install could not reach the npm registry. This suite installs the packed packages outside the repository, ` +
          `with their dependencies from the registry (through the local npm cache): check the network or npm_config_registry.\n${message}`,
      );
    }
    throw error;
  }
}

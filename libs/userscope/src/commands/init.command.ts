import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { InitMessages } from '../init/init.messages';
import { projectManifest } from '../init/project.manifest';
import { ProjectFile, renderProjectTemplate } from '../init/project.template';
import { CliCommand, UsageError } from './cli-command';

const usage = `Usage: userscope init DIR [--force]

Writes a new Userscope project into DIR (created when missing): a plugin module with a per-user
function and a shared one, configs/config.yml, a jest test written with @userscope/testing, and a
README. Then: cd DIR && npm install && npm start (serves on $PORT, default 8000), and npm test.
  DIR       the project folder: new or empty
  --force   write into DIR even when it is not empty (files of the same name are overwritten)`;

/** Entries a fresh folder may already hold (`git init` first is fine). */
const IGNORED_ENTRIES = new Set(['.git']);

export const initCommand: CliCommand = {
  name: 'init',
  summary: 'write a new project (a plugin, a config, a test) into a folder',
  usage,
  positionals: true,
  options: { force: { type: 'boolean' } },
  async run(values, positionals = []) {
    if (positionals.length === 0) throw new UsageError(`${InitMessages.directoryRequired()}\n\n${usage}`);
    if (positionals.length > 1) throw new UsageError(`${InitMessages.tooManyDirectories(positionals)}\n\n${usage}`);
    const dir = resolve(positionals[0]);
    checkTarget(dir, values.force === true);

    const name = packageName(dir);
    const files: ProjectFile[] = [
      { path: 'package.json', content: `${JSON.stringify(projectManifest(name), null, 2)}\n` },
      ...renderProjectTemplate({ name }),
    ];
    for (const file of files) {
      const target = join(dir, file.path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, file.content);
    }
    console.log(InitMessages.written(name, dir, files.map((file) => file.path)));
    const cd = relative(process.cwd(), dir);
    console.log(InitMessages.nextSteps(cd === '' ? undefined : cd));
    return 0;
  },
};

/** A usage error unless `dir` is missing, an empty folder, or `force` is given. */
function checkTarget(dir: string, force: boolean): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new UsageError(InitMessages.notADirectory(dir));
  const entries = readdirSync(dir).filter((entry) => !IGNORED_ENTRIES.has(entry));
  if (entries.length > 0 && !force) throw new UsageError(InitMessages.notEmpty(dir, entries.sort()));
}

/** The folder's name as an npm package name. */
function packageName(dir: string): string {
  const name = basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9._~-]+/g, '-')
    .replace(/^[._-]+|-+$/g, '');
  return name || 'userscope-app';
}

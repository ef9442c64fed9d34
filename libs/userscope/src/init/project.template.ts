import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { PROJECT_TEMPLATE_DIR, TEMPLATE_RENAMES, TEMPLATE_SUFFIX } from './init.constants';

/** One file of a new project: its path relative to the project folder (with `/`), its text. */
export interface ProjectFile {
  path: string;
  content: string;
}

/** What the templates' `{{placeholders}}` are replaced with. */
export interface ProjectValues {
  name: string;
}

/** The template files of a new project, their placeholders filled in, sorted by path. */
export function renderProjectTemplate(values: ProjectValues, templateDir = PROJECT_TEMPLATE_DIR): ProjectFile[] {
  return listFiles(templateDir)
    .map((file) => ({
      path: projectPath(relative(templateDir, file).split(sep).join('/')),
      content: readFileSync(file, 'utf8').replace(/\{\{(\w+)\}\}/g, (match, key: string) => (key in values ? values[key as keyof ProjectValues] : match)),
    }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

function projectPath(templatePath: string): string {
  const path = templatePath.endsWith(TEMPLATE_SUFFIX) ? templatePath.slice(0, -TEMPLATE_SUFFIX.length) : templatePath;
  return TEMPLATE_RENAMES[path] ?? path;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

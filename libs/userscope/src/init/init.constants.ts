import { join } from 'node:path';

/** The `userscope` package's folder, from its compiled dist/init/ (and from src/init/ under ts-jest). */
export const USERSCOPE_PACKAGE_ROOT = join(__dirname, '..', '..');

/** The files `userscope init` writes, shipped in the package (its `files` lists templates/). */
export const PROJECT_TEMPLATE_DIR = join(USERSCOPE_PACKAGE_ROOT, 'templates', 'project');

/** Every template file ends in this, so that neither this repo's jest and tsc nor npm take it for their own. */
export const TEMPLATE_SUFFIX = '.tmpl';

/** Template files written under another name: npm drops `.gitignore` files from a package. */
export const TEMPLATE_RENAMES: Record<string, string> = { gitignore: '.gitignore' };

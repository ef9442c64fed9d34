import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { RuntimeVersionConflictError } from '../exceptions/runtime-version-conflict.exception';
import { checkRuntimeCopies, loadedRuntimeCopies } from './runtime-copies';

/** A plugin that brings its own @userscope/runtime: refused when its version differs, warned about otherwise. */
describe('copies of @userscope/runtime in one process', () => {
  const own = { root: resolve(__dirname, '../..'), version: require('../../package.json').version as string };
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'userscope-copies-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('knows the copy it belongs to', () => {
    expect(loadedRuntimeCopies()).toContainEqual(own);
    expect(checkRuntimeCopies([own])).toBeUndefined();
  });

  it('warns about a second copy of the same version, naming both folders', () => {
    const warning = checkRuntimeCopies([own, { root: '/plugin/node_modules/@userscope/runtime', version: own.version }]);
    expect(warning).toContain(`${own.version} at ${own.root}`);
    expect(warning).toContain('/plugin/node_modules/@userscope/runtime');
    expect(warning).toContain('npm dedupe');
  });

  it('refuses two versions, naming each with its folder and what to do', () => {
    // A real second copy, loaded as a plugin's own node_modules would load it.
    const copy = join(dir, 'node_modules', '@userscope', 'runtime');
    cpSync(resolve(__dirname, '../../dist'), join(copy, 'dist'), { recursive: true });
    writeFileSync(join(copy, 'package.json'), JSON.stringify({ name: '@userscope/runtime', version: '0.0.1-plugin', main: 'dist/index.js' }));
    require(join(copy, 'dist', 'copies', 'runtime-copies.js'));

    let error: unknown;
    try {
      checkRuntimeCopies();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RuntimeVersionConflictError);
    expect((error as Error).message).toContain(`${own.version} at ${own.root}`);
    expect((error as Error).message).toContain(`0.0.1-plugin at ${copy}`);
    expect((error as Error).message).toContain('peerDependency');
  });
});

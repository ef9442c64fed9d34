import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_DEV_TOOLS, projectManifest } from './project.manifest';

const readJson = (...path: string[]) => JSON.parse(readFileSync(join(__dirname, ...path), 'utf8'));

describe('the package.json of a new project', () => {
  const manifest = projectManifest('my-app') as { dependencies: Record<string, string>; devDependencies: Record<string, string> };

  it("builds and tests with this repository's versions of the tools", () => {
    const { devDependencies } = readJson('..', '..', '..', '..', 'package.json');
    for (const [tool, version] of Object.entries(PROJECT_DEV_TOOLS)) expect({ tool, version }).toEqual({ tool, version: devDependencies[tool] });
  });

  it('asks for the peers of the userscope package at the versions it names', () => {
    const { peerDependencies } = readJson('..', '..', 'package.json');
    expect(manifest.dependencies).toMatchObject(peerDependencies);
  });
});

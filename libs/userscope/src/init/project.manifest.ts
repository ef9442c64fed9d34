import { join } from 'node:path';
import { USERSCOPE_PACKAGE_ROOT } from './init.constants';

interface PackageJson {
  version: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/**
 * The build and test tools of a new project: the versions this repository builds and tests with.
 * A spec keeps them equal to the repository's own devDependencies.
 */
export const PROJECT_DEV_TOOLS: Record<string, string> = {
  '@nestjs/testing': '^11.2.6',
  '@types/jest': '^29.5.14',
  '@types/node': '^20.19.43',
  jest: '^29.7.0',
  'ts-jest': '^29.4.15',
  typescript: '~5.9',
};

/**
 * The package.json of a new project: the Userscope packages at this package's own version, the
 * peers they ask for at the versions they name, and the scripts the README promises.
 */
export function projectManifest(name: string): Record<string, unknown> {
  const userscope = readPackageJson(join(USERSCOPE_PACKAGE_ROOT, 'package.json'));
  const runtime = readPackageJson('@userscope/runtime/package.json');
  // The project's DTOs are validated by the runtime: they are decorated with the runtime's class-validator.
  const classValidator = runtime.dependencies?.['class-validator'];
  return {
    name,
    version: '0.1.0',
    private: true,
    scripts: {
      build: 'tsc -p tsconfig.json',
      prestart: 'npm run build',
      start: 'userscope serve --config_file configs/config.yml',
      pretest: 'npm run build',
      test: 'jest',
    },
    dependencies: sorted({
      userscope: userscope.version,
      '@userscope/runtime': userscope.version,
      ...userscope.peerDependencies,
      ...(classValidator ? { 'class-validator': classValidator } : {}),
    }),
    devDependencies: sorted({ '@userscope/testing': userscope.version, ...PROJECT_DEV_TOOLS }),
    jest: { preset: 'ts-jest', testEnvironment: 'node', roots: ['<rootDir>/test'] },
  };
}

function readPackageJson(request: string): PackageJson {
  return require(request) as PackageJson;
}

function sorted(entries: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(entries).sort(([a], [b]) => a.localeCompare(b)));
}

import { dirname } from 'node:path';
import { RuntimeVersionConflictError } from '../exceptions/runtime-version-conflict.exception';
import { RuntimeCopiesMessages } from './runtime-copies.messages';

/** One loaded copy of @userscope/runtime: its package folder and version. */
export interface RuntimeCopy {
  root: string;
  version: string;
}

// Process-wide, so that every copy of this package (two installs, two versions) lands in one list.
const COPIES_KEY = Symbol.for('userscope:runtime-copies');
const registry = globalThis as { [COPIES_KEY]?: Map<string, RuntimeCopy> };
const copies = (registry[COPIES_KEY] ??= new Map<string, RuntimeCopy>());

// This file sits in src/copies (sources) or dist/copies (built): the package root is two up.
const root = dirname(dirname(__dirname));
copies.set(root, { root, version: (require(`${root}/package.json`) as { version: string }).version });

/** Every copy of @userscope/runtime loaded in this process. */
export function loadedRuntimeCopies(): RuntimeCopy[] {
  return [...copies.values()];
}

/**
 * Refuses to start with two different versions of @userscope/runtime in one process (a plugin that
 * brought its own): their classes and checks would disagree. Two copies of one version only warn,
 * because DI tokens are `Symbol.for` or strings, but class tokens (`WorkflowRunner`) still differ.
 * Returns the warning, if any.
 */
export function checkRuntimeCopies(found = loadedRuntimeCopies()): string | undefined {
  const versions = new Set(found.map((copy) => copy.version));
  if (versions.size > 1) throw new RuntimeVersionConflictError(found);
  return found.length > 1 ? RuntimeCopiesMessages.duplicateCopies(found) : undefined;
}

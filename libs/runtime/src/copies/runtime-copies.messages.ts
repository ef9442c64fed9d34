import type { RuntimeCopy } from './runtime-copies';

const list = (copies: RuntimeCopy[]) => copies.map((copy) => `  - ${copy.version} at ${copy.root}`).join('\n');

/** What a user is told when more than one copy of @userscope/runtime is loaded. */
export const RuntimeCopiesMessages = {
  versionConflict: (copies: RuntimeCopy[]) =>
    `Two versions of @userscope/runtime are loaded in this process:\n${list(copies)}\n` +
    'A plugin or package brought its own copy. Install one version for all (match the versions in package.json, ' +
    "then 'npm dedupe'; a plugin should list @userscope/runtime as a peerDependency).",
  duplicateCopies: (copies: RuntimeCopy[]) =>
    `@userscope/runtime is installed ${copies.length} times:\n${list(copies)}\n` +
    "Userscope's tokens work across copies, but classes such as WorkflowRunner do not: run 'npm dedupe'.",
} as const;

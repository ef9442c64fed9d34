/** The text of the one error Userscope raises when a library's internals are not what it was built against. */
export const LibraryInternalsMessages = {
  changed: (pkg: string, version: string, what: string) =>
    `${pkg} ${version}: ${what} — update libs/runtime/src/internals/library-internals.ts ` +
    `(and the pinned versions in its spec and in package.json).`,
  versionMoved: (pkg: string, installed: string, pinned: string) =>
    `${pkg} is ${installed}, but library-internals.ts was checked against ${pinned}. Run ` +
    `libs/runtime/src/internals/library-internals.spec.ts, review library-internals.ts, then update the pins.`,
};

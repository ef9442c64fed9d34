/** What `userscope init` tells its user. */
export const InitMessages = {
  directoryRequired: () => 'Name the folder to write the project into: userscope init DIR.',
  tooManyDirectories: (given: string[]) => `init takes one folder, got ${given.length}: ${given.join(' ')}.`,
  notADirectory: (dir: string) => `${dir} is a file, not a folder: name a new or empty folder.`,
  notEmpty: (dir: string, entries: string[]) =>
    `${dir} is not empty (${entries.slice(0, 5).join(', ')}${entries.length > 5 ? ', ...' : ''}). ` +
    'Name a new or empty folder, or pass --force to write into it (files of the same name are overwritten).',
  written: (name: string, dir: string, files: string[]) =>
    [`Wrote the Userscope project ${name} to ${dir}:`, ...files.map((file) => `  ${file}`)].join('\n'),
  nextSteps: (cd: string | undefined) =>
    ['', 'Next:', ...(cd ? [`  cd ${cd}`] : []), '  npm install && npm start   # serves on $PORT (default 8000)', '  npm test'].join('\n'),
} as const;

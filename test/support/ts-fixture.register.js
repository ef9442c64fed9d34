// Lets a server started as a child process (`node -r ./test/support/ts-fixture.register.js ...`) load the
// TypeScript fixture plugins under test/fixtures, as jest's ts-jest does in-process: each file is
// transpiled alone, without type checks.
const { readFileSync } = require('node:fs');
const ts = require('typescript');
const { compilerOptions } = require('../../tsconfig.base.json');

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: { ...ts.convertCompilerOptionsFromJson(compilerOptions).options, sourceMap: false, inlineSourceMap: true, declaration: false },
  });
  module._compile(outputText, filename);
};

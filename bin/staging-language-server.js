#!/usr/bin/env node
// The Staging language server for any LSP editor: `staging-language-server --stdio`.
// `staging-language-server --check FILE...` prints the same diagnostics for CI instead.
if (process.argv.includes('--check')) require('../dist/check.js');
else require('../dist/server.js');

#!/usr/bin/env node
// The Staging language server for any LSP editor: `staging-language-server --stdio`.
require('../dist/server.js');

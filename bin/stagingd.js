#!/usr/bin/env node
// stagingd: the staging API with its embedded defaults (SQLite, local processes, *.localhost previews).
// It needs Node 24 LTS (package.json engines.node); on an older Node it says so instead of failing on the way.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 24 || (major === 24 && minor < 11)) {
  console.error(`stagingd needs Node.js 24 LTS (24.11 or newer); this is Node ${process.version} (${process.execPath}).`);
  process.exit(1);
}
require('../dist/stagingd.js');

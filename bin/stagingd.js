#!/usr/bin/env node
// stagingd: the staging API with its embedded defaults (SQLite, local processes, *.localhost previews).
// It needs Node 24 LTS (package.json engines.node); on an older Node it says so instead of failing on the way.
const { needMajor, needMinor, supported } = require('./node-engine.js');
if (!supported()) {
  console.error(`stagingd needs Node.js ${needMajor} LTS (${needMajor}.${needMinor} or newer); this is Node ${process.version} (${process.execPath}).`);
  process.exit(1);
}
require('../dist/stagingd.js');

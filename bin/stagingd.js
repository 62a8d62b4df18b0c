#!/usr/bin/env node
// stagingd: the staging API with its embedded defaults (SQLite, local processes, *.localhost previews).
// It needs Node 24 LTS (package.json engines.node) and Linux; elsewhere it says so instead of failing on the way.
const { needMajor, needMinor, supported } = require('./node-engine.js');
if (!supported()) {
  console.error(`stagingd needs Node.js ${needMajor} LTS (${needMajor}.${needMinor} or newer); this is Node ${process.version} (${process.execPath}).`);
  process.exit(1);
}
// Releases run in process groups watched through /proc, with cgroup limits: Linux only. Said now, not as a failure
// later (a memory limit elsewhere would throw in a timer).
if (process.platform !== 'linux') {
  console.error(
    `stagingd needs Linux (its releases run in process groups watched through /proc, with cgroup limits); this is ${process.platform}. ` +
      'Run it on a Linux machine, VM or container (WSL 2 on Windows) and point VS Code at it with the staging.apiUrl setting.',
  );
  process.exit(1);
}
require('../dist/stagingd.js');

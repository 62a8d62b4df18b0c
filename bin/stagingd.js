#!/usr/bin/env node
// stagingd: the staging API with its embedded defaults (SQLite, local processes, *.localhost previews).
require('../dist/stagingd.js');

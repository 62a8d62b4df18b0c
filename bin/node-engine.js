// The Node this package needs, read from package.json's engines.node (">=MAJOR.MINOR"): one source for the checks
// that run before anything else (bin/stagingd.js, scripts/require-node.mjs). Plain CommonJS: it runs on an old Node.
'use strict';
const wanted = require('../package.json').engines.node;
const minimum = /^>=\s*(\d+)(?:\.(\d+))?/.exec(wanted);
if (!minimum) throw new Error(`package.json engines.node is "${wanted}"; this check reads only ">=MAJOR.MINOR"`);
const needMajor = Number(minimum[1]);
const needMinor = Number(minimum[2] || 0);

/** Whether `version` (default: this process's Node) is at least the minimum. */
function supported(version = process.versions.node) {
  const [major, minor] = version.split('.').map(Number);
  return major > needMajor || (major === needMajor && minor >= needMinor);
}

module.exports = { wanted, needMajor, needMinor, supported };

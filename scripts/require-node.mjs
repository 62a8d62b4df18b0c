// Runs before `npm install`, `npm start` and `npm test` (preinstall, prestart, pretest): with a Node older than
// package.json's engines.node, says which Node is needed and the one command that gets it, and exits 1, instead
// of failing later on something a newer Node has. Written to run on any Node that can run npm.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const root = new URL('..', import.meta.url);
const { wanted, needMajor, supported } = createRequire(import.meta.url)('../bin/node-engine.js');
if (supported()) process.exit(0);

const pinned = readFileSync(new URL('.nvmrc', root), 'utf8').trim();
const getIt =
  process.platform === 'linux' && (process.arch === 'x64' || process.arch === 'arm64')
    ? `Get Node ${pinned} from the npm registry into .node/ and put it first on PATH in this shell:\n\n  export PATH="$(bash scripts/install-node.sh)/bin:$PATH"\n`
    : `Install Node ${pinned} (or any Node ${needMajor} LTS) from https://nodejs.org, or with nvm: nvm install (reads .nvmrc).\n`;
console.error(`
Staging needs Node.js ${needMajor} LTS (${wanted}); this is Node ${process.version} (${process.execPath}).
${getIt}
then run the command again.
`);
process.exit(1);

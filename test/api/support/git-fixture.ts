import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const example = join(__dirname, '..', '..', '..', '..', 'examples', 'hello-node');

/** The example's staging.yaml with a shorter health timeout (failing releases should fail fast), plus `extra` YAML. */
export function helloNodeConfig(options: { healthTimeout?: string; extra?: string } = {}): string {
  const text = readFileSync(join(example, 'staging.yaml'), 'utf8').replace('timeout: 20s', `timeout: ${options.healthTimeout ?? '4s'}`);
  return options.extra ? `${text}\n${options.extra}` : text;
}

/**
 * A real git repository of the hello-node example with branches that exercise every path:
 * develop (good), feature/login (good, another commit), broken-health (health check answers 404),
 * crashes (exits at start), crash-later and memory-hog (fail on demand after going live), echo-headers, build-fails,
 * healthy-once (never healthy again after its first start), slow-build (its build takes a minute), uploads (reads and
 * writes files in public/uploads).
 */
export function helloNodeRepository(): { dir: string; git: (...args: string[]) => string; commit: (ref: string) => string } {
  const dir = mkdtempSync(join(tmpdir(), 'hello-node-'));
  cpSync(example, dir, { recursive: true });
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
  const commitAll = (message: string): void => {
    git('add', '-A');
    git('-c', 'user.email=dev@example.com', '-c', 'user.name=Dev', 'commit', '-q', '-m', message);
  };
  git('init', '-q', '-b', 'main');
  commitAll('hello-node');
  git('branch', 'develop');
  const variant = (branch: string, change: () => void): void => {
    git('checkout', '-q', '-b', branch, 'main');
    change();
    commitAll(branch);
  };
  const server = join(dir, 'server.js');
  const original = readFileSync(server, 'utf8');
  variant('feature/login', () => writeFileSync(join(dir, 'LOGIN.md'), 'login\n'));
  variant('broken-health', () => writeFileSync(server, original.replace("path === '/healthz'", "path === '/never-healthy'")));
  variant('crashes', () => writeFileSync(server, `console.error('boom: missing configuration');\nprocess.exit(3);\n`));
  variant('build-fails', () => writeFileSync(join(dir, 'build.js'), `console.error('compile error: unexpected token');\nprocess.exit(1);\n`));
  // Healthy first, then fails on demand: GET /crash exits, GET /hog holds 300 MB.
  const onDemand = (route: string, action: string): string =>
    original.replace("} else if (path === '/') {", `} else if (path === '${route}') {\n    ${action}\n  } else if (path === '/') {`);
  variant('crash-later', () => writeFileSync(server, onDemand('/crash', "res.end('bye'); process.exit(4);")));
  variant('memory-hog', () => writeFileSync(server, onDemand('/hog', "globalThis.hog = Buffer.alloc(300 * 1024 * 1024, 1); res.end('holding');")));
  // GET /headers answers with the request headers the app received.
  variant('echo-headers', () =>
    writeFileSync(server, onDemand('/headers', "res.setHeader('content-type', 'application/json'); res.end(JSON.stringify(req.headers));")),
  );
  variant('limits-probe', () =>
    writeFileSync(
      server,
      onDemand(
        '/limits',
        "const fs = require('node:fs'); const read = (c, f) => { const line = fs.readFileSync('/proc/self/cgroup', 'utf8').split('\\n').find((l) => l.split(':')[1].split(',').includes(c)); return fs.readFileSync('/sys/fs/cgroup/' + c + line.split(':')[2] + '/' + f, 'utf8').trim(); }; res.end(JSON.stringify({ memory: read('memory', 'memory.limit_in_bytes'), cpuQuota: read('cpu', 'cpu.cfs_quota_us'), cpuPeriod: read('cpu', 'cpu.cfs_period_us') }));",
      ),
    ),
  );
  // Healthy on its first start; every later start (after a restart of stagingd) never listens.
  variant('healthy-once', () =>
    writeFileSync(
      server,
      `const fs = require('node:fs');\nif (fs.existsSync('.started-once')) { console.log('started before: not listening'); setInterval(() => {}, 1000); return; }\nfs.writeFileSync('.started-once', '');\n${original}`,
    ),
  );
  // GET /file?name=N answers ASSET_URL and public/uploads/N's content; &write=T writes T there first, &link=P makes it a
  // link to P (what an untrusted release may do in its asset folder); &exists=P says whether P exists in its view.
  variant('uploads', () =>
    writeFileSync(
      server,
      onDemand(
        '/file',
        "const fs = require('node:fs'); const u = new URL(req.url, 'http://app'); const f = require('node:path').join('public/uploads', u.searchParams.get('name')); if (u.searchParams.has('write')) fs.writeFileSync(f, u.searchParams.get('write')); if (u.searchParams.has('link')) fs.symlinkSync(u.searchParams.get('link'), f); res.setHeader('content-type', 'application/json'); res.end(JSON.stringify({ assetUrl: process.env.ASSET_URL || null, content: fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : null, seen: u.searchParams.has('exists') ? fs.existsSync(u.searchParams.get('exists')) : null }));",
      ),
    ),
  );
  // uploads, with public/uploads committed as a link out of the release (to where bubblewrap finds setpriv).
  git('checkout', '-q', '-b', 'uploads-link', 'uploads');
  mkdirSync(join(dir, 'public'), { recursive: true });
  symlinkSync('../../../usr/local/sbin', join(dir, 'public', 'uploads'));
  commitAll('uploads-link');
  variant('slow-build', () => writeFileSync(join(dir, 'build.js'), `console.log('building slowly');\nsetTimeout(() => {}, 60000);\n`));
  git('checkout', '-q', 'main');
  return { dir, git, commit: (ref: string) => git('rev-parse', ref) };
}

/**
 * examples/orders as a git repository (main, and develop for its staging environment), with Nodemailer committed
 * beside it and its build `npm run build`: releases here reach no registry to run its `npm ci`. `change` edits the
 * copy before it is committed.
 */
export function ordersRepository(change?: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'orders-'));
  cpSync(join(example, '..', 'orders'), dir, { recursive: true });
  cpSync(join(example, '..', '..', 'node_modules', 'nodemailer'), join(dir, 'node_modules', 'nodemailer'), { recursive: true });
  const config = readFileSync(join(dir, 'staging.yaml'), 'utf8');
  writeFileSync(join(dir, 'staging.yaml'), config.replace('command: npm ci --omit=dev --no-audit --no-fund', 'command: npm run build'));
  change?.(dir);
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('add', '-f', 'node_modules');
  git('-c', 'user.email=dev@example.com', '-c', 'user.name=Dev', 'commit', '-q', '-m', 'orders example');
  git('branch', 'develop');
  return dir;
}

/** staging.yaml for examples/storefront with production out of reach (nothing listens on port 9) and a staging environment on develop, then `rest`. */
export function storefrontConfig(rest: string): string {
  return `version: 1
project: storefront
production:
  url: http://127.0.0.1:9/
  branch: main
run:
  command: npm start
  health:
    path: /healthz
    timeout: 10s
environments:
  - name: staging
    branch: develop
${rest}`;
}

/**
 * examples/storefront as a git repository: main and develop alike; `restyle` turns the sale banner red (nothing else
 * changes); `slow` holds the main thread for 1.5 s as the page loads (nothing changes to see). `config` replaces
 * its staging.yaml.
 */
export function storefrontRepository(config?: string): { dir: string; commit: (ref: string) => string } {
  const dir = mkdtempSync(join(tmpdir(), 'storefront-'));
  cpSync(join(example, '..', 'storefront'), dir, { recursive: true });
  if (config !== undefined) writeFileSync(join(dir, 'staging.yaml'), config);
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
  const commitAll = (message: string): void => {
    git('add', '-A');
    git('-c', 'user.email=dev@example.com', '-c', 'user.name=Dev', 'commit', '-q', '-m', message);
  };
  git('init', '-q', '-b', 'main');
  commitAll('storefront');
  git('branch', 'develop');
  const server = join(dir, 'server.js');
  const original = readFileSync(server, 'utf8');
  const variant = (branch: string, text: string): void => {
    git('checkout', '-q', '-b', branch, 'main');
    writeFileSync(server, text);
    commitAll(branch);
  };
  variant('restyle', original.replace('background: #1a5fb4;', 'background: #c01c28;'));
  variant('slow', original.replace('</body>', '<script>const until = Date.now() + 1500; while (Date.now() < until);</script>\n</body>'));
  git('checkout', '-q', 'main');
  return { dir, commit: (ref: string) => git('rev-parse', ref) };
}

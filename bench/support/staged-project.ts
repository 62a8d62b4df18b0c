import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { helloNodeConfig, helloNodeRepository } from '../../test/api/support/git-fixture';
import { StagingdProcess } from '../../test/api/support/stagingd-process';

// An app for the log benchmarks: /emit prints a timestamped line, /flood?n= prints n lines as fast as it can.
const logApp = `const http = require('node:http');
http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/emit') { process.stdout.write('EMIT ' + Date.now() + '\\n'); res.end('ok'); return; }
  if (url.pathname === '/flood') {
    const n = Number(url.searchParams.get('n'));
    let i = 0;
    const write = () => { while (i < n) { const ok = process.stdout.write('FLOOD ' + (++i) + ' ' + 'x'.repeat(40) + '\\n'); if (!ok) { process.stdout.once('drain', write); return; } } };
    write(); res.end('ok'); return;
  }
  res.end('ok');
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

export interface StagedProject {
  stagingd: StagingdProcess;
  repo: ReturnType<typeof helloNodeRepository>;
  deploy(ref: string, environment?: string): Promise<{ id: string; commit: string }>;
  close(): Promise<void>;
}

/** A real stagingd with the hello-node project (and a log-bench branch), as the tests use it. */
export async function stagedProject(options: { keepWarm?: string } = {}): Promise<StagedProject> {
  const repo = helloNodeRepository();
  repo.git('checkout', '-q', '-b', 'log-bench', 'main');
  writeFileSync(join(repo.dir, 'server.js'), logApp.replace("res.end('ok');\n}).listen", "res.end(req.url === '/healthz' ? 'ok' : 'ok');\n}).listen"));
  repo.git('add', '-A');
  repo.git('-c', 'user.email=b@example.com', '-c', 'user.name=Bench', 'commit', '-q', '-m', 'log bench app');
  repo.git('checkout', '-q', 'main');
  const stagingd = await StagingdProcess.start(options);
  const created = await stagingd.api('POST', '/v1/projects', { repository: repo.dir, config: helloNodeConfig({ healthTimeout: '20s' }) });
  if (created.status !== 201) throw new Error(`could not create the project: ${JSON.stringify(created.body)}`);
  return {
    stagingd,
    repo,
    deploy: async (ref, environment = 'staging') => {
      const queued = await stagingd.api<{ id: string }>('POST', `/v1/projects/hello-node/environments/${environment}/deployments`, { ref });
      const done = await stagingd.waitForDeployment(queued.body.id);
      if (done.status !== 'live') throw new Error(`deploying ${ref} ended ${done.status}: ${done.reason ?? ''}`);
      return { id: done.id, commit: done.commit ?? '' };
    },
    close: () => stagingd.stop(),
  };
}

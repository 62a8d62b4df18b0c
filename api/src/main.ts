import { parseOptions, usage } from './options';
import { redact } from './security/tokens';
import { serverLogger } from './server-logger';
import { startStagingd, version } from './stagingd';
import { runTokenCommand, tokenUsage, UsageError } from './token-command';

/** `stagingd`: the staging API with its embedded defaults, no configuration needed. */
async function main(): Promise<void> {
  if (process.argv[2] === 'token') {
    try {
      process.exitCode = await runTokenCommand(process.argv.slice(3), process.cwd(), (line) => console.log(line));
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      console.error(`stagingd token: ${error.message}\n\n${tokenUsage}`);
      process.exitCode = 2;
    }
    return;
  }
  let options;
  try {
    options = parseOptions(process.argv.slice(2), process.cwd());
  } catch (error) {
    console.error(`stagingd: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  }
  if (options === 'help') {
    console.log(`${usage}\n\n${tokenUsage}`);
    return;
  }
  if (options === 'version') {
    console.log(`stagingd ${version}`);
    return;
  }
  const { log, pino } = serverLogger(options.log.format, options.log.level);
  const running = await startStagingd(options, log, options.log.requests ? pino : undefined);
  // The token is never printed in full: where to find it is enough.
  const where = process.env['STAGINGD_TOKEN']
    ? 'from STAGINGD_TOKEN'
    : `in ${options.dataDir}/admin-token${running.adminTokenGenerated ? ' (generated now)' : ''}`;
  console.log(`stagingd ${running.apiUrl} api`);
  console.log(
    `stagingd ${options.tls ? 'https' : 'http'}://*.${options.baseDomain}:${running.proxyPort} previews${options.tls ? ` (trust ${options.dataDir}/tls/ca.crt)` : ''}`,
  );
  console.log(`stagingd admin token ${redact(running.adminToken)} ${where}`);
  // SIGHUP too: closing the terminal that runs stagingd (VS Code's Start Local stagingd) stops it and its releases.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping releases and shutting down`);
      void running.close().then(() => process.exit(0));
    });
  }
}

main().catch((error: unknown) => {
  console.error(`stagingd: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});

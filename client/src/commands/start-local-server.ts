import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import { workspaceProjects } from '../workspace-projects';
import type { CommandContext } from './command-context';
import { isLocalApi } from '../local-api';

/** The Node that runs the stagingd shipped in the extension, and what it needs in its environment. */
export interface StagingdNode {
  path: string;
  env: Record<string, string>;
  version: string;
}

/** Whether a Node version ("24.11.0") meets engines.node (">=24.11"). */
function meets(version: string, wanted: string): boolean {
  const [needMajor = 0, needMinor = 0] = (/>=\s*(\d+)(?:\.(\d+))?/.exec(wanted) ?? []).slice(1).map(Number);
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > needMajor || (major === needMajor && minor >= needMinor);
}

/**
 * The extension host's own Node when it is new enough (code-server and VS Code servers run extensions on Node 24;
 * a desktop VS Code's Electron is run as Node with ELECTRON_RUN_AS_NODE), else a `node` on PATH that is; undefined
 * when neither is.
 */
export async function stagingdNode(wanted: string): Promise<StagingdNode | undefined> {
  const own: StagingdNode = { path: process.execPath, env: process.versions['electron'] ? { ELECTRON_RUN_AS_NODE: '1' } : {}, version: process.versions.node };
  if (meets(own.version, wanted)) return own;
  const onPath = await promisify(execFile)('node', ['--version'], { timeout: 10_000 }).then(
    ({ stdout }) => stdout.trim().replace(/^v/, ''),
    () => undefined,
  );
  return onPath && meets(onPath, wanted) ? { path: 'node', env: {}, version: onPath } : undefined;
}

/**
 * Starts the stagingd the extension ships (bin/stagingd.js and its bundle) in a terminal, for the first project of
 * the workspace, with its data in that folder's `.staging/` (where the extension then finds its token), and waits
 * for it to answer. Nothing is fetched: it works from the VSIX alone.
 */
export function startLocalServer(extension: vscode.ExtensionContext) {
  return async (context: CommandContext): Promise<boolean> => {
    if (!vscode.workspace.isTrusted)
      throw new Error(
        'This workspace is in Restricted Mode: trust it (Manage Workspace Trust) to start a local stagingd; until then Staging starts no process for it.',
      );
    if (process.platform !== 'linux')
      throw new Error(
        `stagingd needs Linux (process groups, /proc, cgroups); this is ${process.platform}. Run it on a Linux machine, VM or container and set staging.apiUrl to it.`,
      );
    const apiUrl = context.session.apiUrl();
    if (!isLocalApi(apiUrl)) throw new Error(`staging.apiUrl is ${apiUrl}, not this machine: a local stagingd would not be used.`);
    const project = (await workspaceProjects())[0];
    if (!project) throw new Error('No folder of this workspace has a staging.yaml.');
    const wanted = (extension.extension.packageJSON as { engines: { node: string } }).engines.node;
    const node = await stagingdNode(wanted);
    if (!node)
      throw new Error(
        `stagingd needs Node.js ${wanted.replace(/^>=\s*/, '')} or newer: this VS Code runs extensions on Node ${process.versions.node}, and there is no newer \`node\` on PATH. Install Node 24 LTS, or start stagingd yourself and set staging.apiUrl.`,
      );
    const folder = path.dirname(project.config.fsPath);
    const port = new URL(apiUrl).port || '80';
    const script = extension.asAbsolutePath(path.join('bin', 'stagingd.js'));
    context.log.info(`starting stagingd ${script} on Node ${node.version} (${node.path}) in ${folder}, API on 127.0.0.1:${port}`);
    // The terminal runs stagingd itself, no shell in between: nothing to quote, and closing the terminal stops it.
    const terminal = vscode.window.createTerminal({
      name: 'stagingd',
      cwd: folder,
      shellPath: node.path,
      shellArgs: [script, '--data-dir', '.staging', '--listen', `127.0.0.1:${port}`],
      env: node.env,
    });
    terminal.show(true);
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Starting a local stagingd', cancellable: true },
      async (_progress, token) => {
        // A process that is starting has nothing to push: asking its health endpoint is the way to know.
        for (let waited = 0; waited < 60_000 && !token.isCancellationRequested; waited += 500) {
          if (await context.session.api.health().catch(() => false)) {
            await context.session.check();
            return true;
          }
          if (terminal.exitStatus) break;
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
        void vscode.window.showErrorMessage(
          terminal.exitStatus
            ? `stagingd exited (code ${String(terminal.exitStatus.code)}): see the stagingd terminal.`
            : 'The local stagingd did not answer within a minute: see the stagingd terminal.',
        );
        return false;
      },
    );
  };
}

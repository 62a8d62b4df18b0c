import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { BranchesRequest, type StagingInitializationOptions } from '../../common/src/lsp-protocol';
import { trustedGitRefs } from './trusted-git';

/**
 * The staging.yaml language server's client, answering its requests for git branches, starting in the background:
 * activation (and so the tree) does not wait for the server process to come up.
 */
export function startLanguageClient(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
  };
  const initializationOptions: StagingInitializationOptions = { branches: true, projectContext: true };
  const clientOptions: LanguageClientOptions = {
    // Files on disk and in virtual workspaces (vscode-vfs: a GitHub repository opened without a checkout); the
    // server decides from the text whether a file of that name is a Staging config.
    documentSelector: ['file', 'vscode-vfs'].flatMap((scheme) => [
      { scheme, language: 'yaml', pattern: '**/staging.yaml' },
      { scheme, language: 'yaml', pattern: '**/staging.yml' },
    ]),
    initializationOptions,
  };
  const client = new LanguageClient('staging', 'Staging Language Server', serverOptions, clientOptions);
  client.onRequest(BranchesRequest.type, async ({ uri }) => {
    const file = vscode.Uri.parse(uri);
    return file.scheme === 'file' ? trustedGitRefs(file.fsPath) : { branches: [], tags: [] };
  });
  const started = performance.now();
  client.start().then(
    () => log.info(`language server started in ${(performance.now() - started).toFixed(0)} ms`),
    (error: unknown) => log.error(`the language server did not start: ${error instanceof Error ? error.message : String(error)}`),
  );
  return client;
}

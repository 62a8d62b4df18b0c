import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { BranchesRequest, type StagingInitializationOptions } from '../../common/src/lsp-protocol';
import { trustedGitRefs } from './trusted-git';

/** Starts the staging.yaml language server and answers its requests for git branches. */
export async function startLanguageClient(context: vscode.ExtensionContext): Promise<LanguageClient> {
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
  await client.start();
  return client;
}

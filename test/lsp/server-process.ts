import { join } from 'node:path';
import { LspClient, type LspClientOptions } from '../support/lsp-client';

export const repoRoot = join(__dirname, '..', '..', '..');

/** Starts the shipped bundle (dist/server.js) the way an editor does, through the package's bin. */
export function startServer(options: LspClientOptions = {}): Promise<LspClient> {
  return LspClient.start(process.execPath, [join(repoRoot, 'bin', 'staging-language-server.js'), '--stdio'], { timeoutMs: 10_000, ...options });
}

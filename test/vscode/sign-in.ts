import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { StagingExtensionApi } from '../../client/src/extension';
import type { StagingdProcess } from '../api/support/stagingd-process';

/** Points the extension at `stagingd` and signs in with its token; resolves once the extension follows its events (notifications, the tree). */
export async function signInTo(stagingd: StagingdProcess): Promise<void> {
  await vscode.workspace.getConfiguration('staging').update('apiUrl', stagingd.apiUrl, vscode.ConfigurationTarget.Workspace);
  assert.equal(await vscode.commands.executeCommand('staging.signIn', stagingd.token), true);
  const { events } = vscode.extensions.getExtension<StagingExtensionApi>('staging-dev.staging')!.exports;
  if (events.state === 'connected') return;
  await new Promise<void>((resolve) => {
    const subscription = events.onState((state) => {
      if (state !== 'connected') return;
      subscription.dispose();
      resolve();
    });
  });
}

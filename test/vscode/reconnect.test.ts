/// <reference types="mocha" />
// The extension while its stagingd restarts: the session goes unreachable and comes back by itself (no Refresh),
// and the extension's own log (Staging: Show Log) says what happened, with never a token in it.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { StagingExtensionApi } from '../../client/src/extension';
import { StagingdProcess } from '../api/support/stagingd-process';

suite('Staging extension while stagingd restarts', () => {
  let stagingd: StagingdProcess;
  let extension: StagingExtensionApi;

  suiteSetup(async () => {
    stagingd = await StagingdProcess.start();
    extension = vscode.extensions.getExtension<StagingExtensionApi>('staging-dev.staging')!.exports;
    await vscode.workspace.getConfiguration('staging').update('apiUrl', stagingd.apiUrl, vscode.ConfigurationTarget.Workspace);
    assert.equal(await vscode.commands.executeCommand('staging.signIn', stagingd.token), true);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('staging.signOut');
    await stagingd?.stop();
  });

  function sessionBecomes(state: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (extension.session.state === state) return resolve();
      const timer = setTimeout(() => {
        subscription.dispose();
        reject(new Error(`the session stayed ${extension.session.state}, never ${state}, for ${timeoutMs} ms`));
      }, timeoutMs);
      const subscription = extension.session.onDidChange(() => {
        if (extension.session.state !== state) return;
        clearTimeout(timer);
        subscription.dispose();
        resolve();
      });
    });
  }

  test('goes unreachable when stagingd stops, and signs in again by itself once it is back', async () => {
    assert.equal(extension.session.state, 'signedIn');
    const port = new URL(stagingd.apiUrl).port;
    const dataDir = stagingd.dataDir;
    await stagingd.stop('SIGKILL');
    await vscode.commands.executeCommand('staging.refresh');
    await sessionBecomes('unreachable', 15_000);
    // The same data directory (the same admin token) on the same port: what a restart is.
    stagingd = await StagingdProcess.start({ dataDir, extraArgs: ['--listen', `127.0.0.1:${port}`] });
    const started = Date.now();
    await sessionBecomes('signedIn', 20_000);
    console.log(`signed in again ${Date.now() - started} ms after stagingd answered, with no Refresh`);
  });

  test('writes what happened to its own log, and never the token', () => {
    const files = readdirSync(extension.logUri.fsPath).filter((name) => name.endsWith('.log'));
    const text = files.map((name) => readFileSync(join(extension.logUri.fsPath, name), 'utf8')).join('\n');
    assert.match(text, /session: signedIn -> unreachable/);
    assert.match(text, /session: unreachable -> signedIn/);
    assert.match(text, /events: connected/);
    assert.ok(!text.includes(stagingd.token), 'the admin token is nowhere in the log');
  });
});

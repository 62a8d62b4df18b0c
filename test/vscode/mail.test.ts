/// <reference types="mocha" />
// E-mail from a staging release, in a real VS Code against a real stagingd: examples/orders (its confirmation made
// hostile: a script, an event handler, a remote image) sends an order confirmation through stagingd's SMTP server;
// the staging environment's Inbox node counts it and lists it, a followed environment notifies, its panel shows the
// envelope, the HTML in a sandboxed frame with no script in it, the text, headers and attachments; its source and an
// attachment are saved to files; deleting it closes the panel and empties the inbox.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Deployment, Environment, MailInbox, MailMessage } from '../../client/src/api/staging-api';
import type { MailPanel } from '../../client/src/panels/mail-panel';
import type { StagingNode } from '../../client/src/tree/nodes';
import { ordersRepository } from '../api/support/git-fixture';
import { StagingdProcess } from '../api/support/stagingd-process';
import { eventually } from './eventually';
import { renderedWhen } from './panel-rendered';
import { signInTo } from './sign-in';
import { workspaceFolder } from './workspace-folder';
import { children, extension, underEnvironment } from './environment-nodes';

const environmentPath = '/v1/projects/orders/environments/staging';
const previewHost = 'staging--orders.localhost';

/** examples/orders as a git repository (see ordersRepository), its confirmation given what a hostile e-mail holds. */
function hostileOrdersRepository(): string {
  return ordersRepository((dir) => {
    const server = readFileSync(join(dir, 'server.js'), 'utf8');
    const hostile =
      `<style>h1 { color: rgb(0, 128, 0); }</style><h1 onclick="parent.postMessage('clicked', '*')">Thank you!</h1>` +
      `<script>parent.postMessage('ran', '*')</script><img src="https://tracker.example.com/open.png" alt="">`;
    assert.ok(server.includes('<h1>Thank you!</h1>'), 'the example still sends its heading');
    writeFileSync(join(dir, 'server.js'), server.replace('<h1>Thank you!</h1>', hostile));
  });
}

async function inboxNode(): Promise<StagingNode | undefined> {
  return (await underEnvironment('orders', 'staging')).find((n) => n.treeItem().id === 'inbox:orders/staging');
}

suite('E-mail from a staging release, in VS Code', () => {
  let repository: string;
  let saved: string;
  let stagingd: StagingdProcess;
  let env: Environment;
  let message: MailMessage;
  let messageNode: StagingNode | undefined;
  let panel: MailPanel | undefined;

  suiteSetup(async function () {
    this.timeout(120_000);
    repository = hostileOrdersRepository();
    saved = mkdtempSync(join(tmpdir(), 'staging-mail-saved-'));
    await workspaceFolder(repository, true);
    stagingd = await StagingdProcess.start();
    const created = await stagingd.api('POST', '/v1/projects', { repository });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal((await stagingd.api('PUT', '/v1/projects/orders/secrets/stripe-key', { value: 'sk_test_51HordersTestKey000000000000' })).status, 204);
    const queued = await stagingd.api<Deployment>('POST', `${environmentPath}/deployments`, { ref: 'develop' });
    assert.equal(queued.status, 202, JSON.stringify(queued.body));
    const deployment = await stagingd.waitForDeployment(queued.body.id);
    assert.equal(deployment.status, 'live', (await stagingd.api<string>('GET', `/v1/deployments/${deployment.id}/logs`)).body);
    await signInTo(stagingd);
    env = (await stagingd.api<Environment>('GET', environmentPath)).body;
    await vscode.commands.executeCommand('staging.follow', env);
  });

  suiteTeardown(async () => {
    panel?.dispose();
    if (env) await vscode.commands.executeCommand('staging.unfollow', env);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('staging.signOut');
    await stagingd?.stop();
    if (vscode.workspace.workspaceFolders?.some((f) => f.uri.fsPath === repository)) await workspaceFolder(repository, false);
    for (const dir of [repository, saved, stagingd?.dataDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a staging environment has an empty Inbox node before its release sends anything; production has none', async () => {
    const inbox = (await inboxNode())?.treeItem();
    assert.ok(inbox, 'staging lists its inbox');
    assert.deepEqual([inbox.label, inbox.description, inbox.contextValue], ['Inbox (0)', '', 'inbox.empty']);
    assert.equal(inbox.collapsibleState, vscode.TreeItemCollapsibleState.None);
    assert.match((inbox.tooltip as vscode.MarkdownString).value, /isolation\.email: capture/);
    const production = (await underEnvironment('orders', 'production')).map((n) => n.treeItem().id);
    assert.ok(production.length > 0, 'production lists its deployments');
    assert.ok(!production.some((id) => id?.startsWith('inbox:')), `production has no inbox: ${JSON.stringify(production)}`);
  });

  test('the confirmation the release sends shows as Inbox (1) with the message, and the followed environment notifies', async () => {
    let ordered = 0;
    const notified = new Promise<string>((resolve) => {
      const subscription = extension().notifier.onDidNotify((text) => {
        if (!text.includes('e-mail')) return;
        subscription.dispose();
        // The figure: from the request that makes the app send to the notification in VS Code.
        console.log(`# e-mail: the order's request -> its VS Code notification in ${Date.now() - ordered} ms`);
        resolve(text);
      });
    });
    ordered = Date.now();
    const order = await stagingd.preview(
      previewHost,
      '/orders',
      { 'content-type': 'application/x-www-form-urlencoded' },
      { method: 'POST', body: 'email=ada%40example.com' },
    );
    assert.equal(order.status, 201, order.body);
    const inbox = await eventually('the tree to count the message', async () => {
      const node = await inboxNode();
      return node?.treeItem().label === 'Inbox (1)' ? node : undefined;
    });
    assert.equal(inbox.treeItem().contextValue, 'inbox');
    assert.equal(inbox.treeItem().collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    const messages = await children(inbox);
    assert.equal(messages.length, 1);
    messageNode = messages[0]!;
    const item = messageNode.treeItem();
    assert.deepEqual([item.label, item.contextValue, (item.iconPath as vscode.ThemeIcon).id], ['Your order #1', 'mailMessage.attachments', 'mail']);
    assert.equal(item.description, 'Orders · just now');
    assert.equal(await notified, 'New e-mail in staging: Your order #1');
    message = (messageNode as unknown as { message: MailMessage }).message;
    assert.deepEqual(message.envelope_to, ['ada@example.com']);
  });

  test('its panel shows the envelope, the HTML in a frame that allows nothing and holds no script, the text, headers and attachments', async () => {
    assert.ok(messageNode, 'the message of the test before');
    panel = await vscode.commands.executeCommand<MailPanel | undefined>('staging.openMail', messageNode);
    assert.ok(panel, 'the command returns the panel');
    const rendered = await renderedWhen(panel, () => true, 45_000);
    assert.equal(rendered.subject, 'Your order #1');
    assert.deepEqual(rendered.tabs.slice(0, 2), ['HTML', 'Text']);
    assert.match(rendered.tabs[2] ?? '', /^Headers \(\d+\)$/);
    assert.equal(rendered.tabs[3], 'Attachments (2)');
    assert.ok(rendered.headers >= 5, `the headers are listed: ${rendered.headers}`);
    // The message held a script and an onclick handler: the frame gets neither, and could run neither (sandbox="").
    assert.deepEqual(rendered.frame, { sandbox: '', scripts: 0, images: 1, remoteImages: 1 });
    assert.equal(rendered.attachments.length, 2);
    assert.match(rendered.attachments[0]!, /^logo\.png · image\/png · \d+ B · shown in the HTML$/);
    assert.match(rendered.attachments[1]!, /^invoice-1\.txt · text\/plain · \d+ B$/);
    const again = await vscode.commands.executeCommand<MailPanel | undefined>('staging.openMail', message.id);
    assert.equal(again, panel, 'one panel per message: opening it again reveals it');
  });

  test('its source saves as an .eml file and an attachment as its bytes', async () => {
    assert.ok(messageNode, 'the message of the test before');
    const eml = vscode.Uri.file(join(saved, 'order.eml'));
    const source = await vscode.commands.executeCommand<vscode.Uri | undefined>('staging.saveMailSource', messageNode, eml);
    assert.equal(source?.fsPath, eml.fsPath);
    const text = readFileSync(eml.fsPath, 'utf8');
    assert.match(text, /^Subject: Your order #1\r$/m);
    assert.match(text, /^To: ada@example\.com\r$/m);
    const invoice = vscode.Uri.file(join(saved, 'invoice.txt'));
    await vscode.commands.executeCommand('staging.saveMailAttachment', message.id, 1, invoice);
    assert.equal(readFileSync(invoice.fsPath, 'utf8'), 'Invoice for order #1\nTotal: EUR 42.00\n');
  });

  test('deleting the message closes its panel and empties the Inbox node', async () => {
    assert.ok(messageNode && panel, 'the message and panel of the tests before');
    assert.equal(extension().panels.mail.get({ messageId: message.id }), panel, 'the panel is open');
    assert.equal(await vscode.commands.executeCommand('staging.deleteMail', messageNode), true);
    // mail.deleted closes it.
    await eventually('the panel to close', () => Promise.resolve(extension().panels.mail.get({ messageId: message.id }) ? undefined : true));
    panel = undefined;
    const inbox = await eventually('the tree to empty the inbox', async () => {
      const node = await inboxNode();
      return node?.treeItem().label === 'Inbox (0)' ? node : undefined;
    });
    assert.equal(inbox.treeItem().contextValue, 'inbox.empty');
    assert.deepEqual(await children(inbox), []);
    assert.equal((await stagingd.api<MailInbox>('GET', `${environmentPath}/mail`)).body.total, 0);
  });
});

/// <reference types="mocha" />
// Feedback on a preview reaching VS Code: a visitor pins a comment with the feedback widget in headless
// Chromium, it shows in the tree with its open count and notifies (the environment is followed); its panel
// shows the thread and the screenshot stagingd took; reply and resolve from VS Code; a comment that points at a
// data-source opens that file at its line.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Comment, Deployment, Environment, PreviewLinkCreated } from '../../client/src/api/staging-api';
import type { StagingExtensionApi } from '../../client/src/extension';
import type { CommentPanel } from '../../client/src/panels/comment-panel';
import type { StagingNode } from '../../client/src/tree/nodes';
import type { CommentRendered } from '../../webview/src/comment/protocol';
import { helloNodeRepository } from '../api/support/git-fixture';
import { launchChromium } from '../api/support/headless-chromium';
import { StagingdProcess } from '../api/support/stagingd-process';
import { eventually } from './eventually';

const environmentPath = '/v1/projects/hello-node/environments/staging';

function renderedWhen(panel: CommentPanel, accept: (rendered: CommentRendered) => boolean): Promise<CommentRendered> {
  return eventually('the comment panel to render', () => Promise.resolve(panel.rendered && accept(panel.rendered) ? panel.rendered : undefined));
}

suite('Comments from a preview, in VS Code', () => {
  let stagingd: StagingdProcess;
  let extension: StagingExtensionApi;
  let chromium: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let thread: Comment;
  let panel: CommentPanel | undefined;
  let sourceComment: Comment | undefined;

  const children = async (node?: StagingNode): Promise<StagingNode[]> => (await extension.tree.getChildren(node)) ?? [];
  /** The staging environment's Comments node, as the tree shows it now. */
  async function commentsNode(): Promise<StagingNode | undefined> {
    const project = (await children()).find((n) => n.treeItem().id === 'project:hello-node');
    const env = project && (await children(project)).find((n) => n.treeItem().id === 'environment:hello-node/staging');
    return env && (await children(env)).find((n) => n.treeItem().id === 'comments:hello-node/staging');
  }

  suiteSetup(async () => {
    const repo = helloNodeRepository();
    stagingd = await StagingdProcess.start();
    assert.equal((await stagingd.api('POST', '/v1/projects', { repository: repo.dir })).status, 201);
    const queued = await stagingd.api<Deployment>('POST', `${environmentPath}/deployments`, { ref: 'develop' });
    assert.equal((await stagingd.waitForDeployment(queued.body.id)).status, 'live');
    await vscode.workspace.getConfiguration('staging').update('apiUrl', stagingd.apiUrl, vscode.ConfigurationTarget.Workspace);
    assert.equal(await vscode.commands.executeCommand('staging.signIn', stagingd.token), true);
    extension = vscode.extensions.getExtension<StagingExtensionApi>('staging-dev.staging')!.exports;
    await vscode.commands.executeCommand('staging.follow', (await stagingd.api<Environment>('GET', environmentPath)).body);
    chromium = await launchChromium();
  });

  suiteTeardown(async () => {
    panel?.dispose();
    await chromium?.close();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('staging.signOut');
    await stagingd?.stop();
  });

  test('a comment pinned in the browser shows in the tree and notifies', async () => {
    assert.equal((await commentsNode())?.treeItem().description, 'none');
    const link = (await stagingd.api<PreviewLinkCreated>('POST', `${environmentPath}/previews`, { label: 'ann' })).body;
    const page = await (await chromium!.browser.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
    await page.goto(link.url);
    await page.locator('#__staging-feedback[data-ready="true"]').waitFor();
    await page.getByRole('button', { name: 'Comment', exact: true }).click();
    const heading = (await page.getByRole('heading', { level: 1 }).boundingBox())!;
    await page.mouse.click(heading.x + 20, heading.y + heading.height / 2);
    await page.getByLabel('Your name').fill('ann');
    await page.getByLabel('Comment', { exact: true }).fill('The heading should say "Welcome".');
    await page.getByLabel('Include a screenshot').check();
    const notified = new Promise<number>((resolve) => {
      const subscription = extension.notifier.onDidNotify((message) => {
        if (!message.startsWith('ann commented on staging')) return;
        subscription.dispose();
        resolve(Date.now());
      });
    });
    const posted = Date.now();
    await page.getByRole('button', { name: 'Post' }).click();
    const node = await eventually('the tree to show the comment', async () => {
      const found = await commentsNode();
      return found?.treeItem().description === '1 open' ? found : undefined;
    });
    const inTree = Date.now();
    const notifiedAt = await notified;
    console.log(`comment posted in the browser -> in the VS Code tree ${inTree - posted} ms, notification ${notifiedAt - posted} ms (from the click on Post)`);
    const [threadNode] = await children(node);
    assert.ok(threadNode, 'the thread is under Comments');
    assert.deepEqual([threadNode.treeItem().label, threadNode.treeItem().contextValue], ['The heading should say "Welcome".', 'comment.open']);
    thread = (threadNode as unknown as { thread: Comment }).thread;
    assert.deepEqual([thread.author, thread.author_kind, thread.page_url], ['ann', 'visitor', '/']);
  });

  test('its panel shows the thread and, once stagingd has taken it, the screenshot', async () => {
    panel = await vscode.commands.executeCommand<CommentPanel | undefined>('staging.openComment', thread.id);
    assert.ok(panel, 'the command returns the panel');
    const rendered = await renderedWhen(panel, (r) => r.screenshot);
    assert.deepEqual(rendered, { messages: 1, resolved: false, screenshot: true, source: false });
  });

  test('reply and resolve from VS Code: the panel and the tree follow', async () => {
    assert.ok(panel);
    await vscode.commands.executeCommand('staging.replyComment', thread.id, 'Fixed in the next build.');
    await renderedWhen(panel, (r) => r.messages === 2);
    const replies = (await stagingd.api<{ replies: Comment[] }>('GET', `/v1/comments/${thread.id}`)).body.replies;
    assert.deepEqual(
      replies.map((r) => [r.author, r.author_kind, r.body]),
      [['admin', 'token', 'Fixed in the next build.']],
    );
    await vscode.commands.executeCommand('staging.resolveComment', thread.id);
    await renderedWhen(panel, (r) => r.resolved);
    await eventually('the tree to show it resolved', async () => ((await commentsNode())?.treeItem().description === 'all resolved' ? true : undefined));
  });

  test('a comment on an element with a data-source attribute opens that file at its line', async () => {
    const created = await stagingd.api<Comment>('POST', `${environmentPath}/comments`, {
      body: 'Wrong port in the log line',
      page_url: '/',
      selector: 'main > [data-source="server.js:12:3"]',
      x: 0.5,
      y: 0.5,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const editor = await vscode.commands.executeCommand<vscode.TextEditor | undefined>('staging.openCommentSource', created.body.id);
    assert.ok(editor, 'an editor opened');
    assert.equal(vscode.workspace.asRelativePath(editor.document.uri, false), 'server.js');
    assert.deepEqual([editor.selection.active.line, editor.selection.active.character], [11, 2]);
    sourceComment = created.body;
  });

  test('the same comment shows on that line in the editor (Comments API), with reply and resolve from there', async () => {
    assert.ok(sourceComment, 'the comment of the test before');
    const id = sourceComment.id;
    const placed = await eventually('the thread on server.js, line 12', async () => {
      await extension.editorComments.refresh();
      return extension.editorComments.threads.get(id);
    });
    assert.equal(vscode.workspace.asRelativePath(placed.uri, false), 'server.js');
    assert.equal(placed.range?.start.line, 11);
    assert.equal(placed.state, vscode.CommentThreadState.Unresolved);
    assert.match((placed.comments[0]?.body as vscode.MarkdownString).value, /Wrong port in the log line/);

    await vscode.commands.executeCommand('staging.replyInEditor', { thread: placed, text: 'Fixed in the next commit' });
    await eventually('the reply in the editor', () => Promise.resolve(placed.comments.length === 2 ? true : undefined));
    const stored = await stagingd.api<{ replies: { body: string }[] }>('GET', `/v1/comments/${id}`);
    assert.deepEqual(
      stored.body.replies.map((r) => r.body),
      ['Fixed in the next commit'],
    );
    await vscode.commands.executeCommand('staging.resolveInEditor', placed);
    await eventually('the thread resolved in the editor', () => Promise.resolve(placed.state === vscode.CommentThreadState.Resolved ? true : undefined));
    assert.notEqual((await stagingd.api<{ resolved_at: string | null }>('GET', `/v1/comments/${id}`)).body.resolved_at, null);
  });
});

import * as vscode from 'vscode';
import type { Environment, PreviewLink, PreviewLinkCreate, PreviewLinkCreated } from '../api/staging-api';
import { environmentSettings } from '../panels/environment-config';
import { PreviewLinkNode } from '../tree/nodes';
import { workspaceProjects } from '../workspace-projects';
import type { CommandContext } from './command-context';
import { environmentFrom } from './pickers';

/** staging.yaml's `previews.password` for the project, when this workspace has its staging.yaml. */
async function passwordRule(env: Environment): Promise<'required' | 'optional'> {
  const local = (await workspaceProjects()).find((p) => p.name === env.project);
  if (!local) return 'optional';
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(local.config));
  return environmentSettings(text, env).previews.password;
}

const expiries = ['1d', '3d', '7d', '14d', '30d'];

/**
 * Share Preview Link…: a link to a staging environment for someone without an account (a client, QA),
 * with an optional label, password and expiry. Its URL is copied to the clipboard and shown nowhere else:
 * the API keeps only a hash of its token.
 */
export async function sharePreview(context: CommandContext, arg?: unknown, given?: unknown): Promise<PreviewLinkCreated | undefined> {
  const env = await environmentFrom(context, arg);
  if (!env) return undefined;
  // Another extension (or a test) can pass the answers: { label?, password?, expiresIn? }.
  const answers = given && typeof given === 'object' ? (given as { label?: string; password?: string; expiresIn?: string }) : undefined;
  const body = answers
    ? {
        ...(answers.label ? { label: answers.label } : {}),
        ...(answers.password ? { password: answers.password } : {}),
        ...(answers.expiresIn ? { expires_in: answers.expiresIn } : {}),
      }
    : await askForLink(env);
  if (!body) return undefined;
  const created = await context.session.api.createPreviewLink(env.project, env.name, body);
  await vscode.env.clipboard.writeText(created.url);
  await context.followed.set(env.project, env.name, true);
  void vscode.window
    .showInformationMessage(
      `Preview link to ${env.name} copied to the clipboard: valid until ${new Date(created.expires_at).toLocaleString()}${body.password ? ', password protected' : ''}. It is not shown again.`,
      'Revoke',
    )
    .then((choice) => (choice === 'Revoke' ? vscode.commands.executeCommand('staging.revokePreview', created.id) : undefined));
  return created;
}

/** The label, password and expiry of a new link, asked one after the other; undefined when cancelled. */
async function askForLink(env: Environment): Promise<PreviewLinkCreate | undefined> {
  const title = `Share a preview of ${env.name}`;
  const label = await vscode.window.showInputBox({ title, prompt: 'Who or what the link is for (optional)', placeHolder: 'Client review, sprint 12' });
  if (label === undefined) return undefined;
  const rule = await passwordRule(env);
  const password = await vscode.window.showInputBox({
    title,
    password: true,
    prompt:
      rule === 'required' ? 'A password visitors must enter (staging.yaml requires one)' : 'A password visitors must enter (optional: leave empty for none)',
    validateInput: (value) =>
      value === ''
        ? rule === 'required'
          ? 'staging.yaml requires a password for preview links.'
          : undefined
        : value.length < 8
          ? 'At least 8 characters.'
          : undefined,
  });
  if (password === undefined) return undefined;
  const expiry = await vscode.window.showQuickPick(
    [{ label: 'staging.yaml default', description: 'previews.expiry (7d unless it says otherwise)' }, ...expiries.map((value) => ({ label: value }))],
    { title, placeHolder: 'How long the link works' },
  );
  if (!expiry) return undefined;
  return {
    ...(label.trim() ? { label: label.trim() } : {}),
    ...(password ? { password } : {}),
    ...(expiries.includes(expiry.label) ? { expires_in: expiry.label } : {}),
  };
}

/** Revoke Preview Link: from the tree, by id, or picked from the environment's active links. */
export async function revokePreview(context: CommandContext, arg?: unknown): Promise<PreviewLink | string | undefined> {
  let link: PreviewLink | string | undefined = arg instanceof PreviewLinkNode ? arg.link : typeof arg === 'string' ? arg : undefined;
  if (!link) {
    const env = await environmentFrom(context, arg);
    if (!env) return undefined;
    const active = (await context.session.api.previewLinks(env.project, env.name)).filter((l) => l.status === 'active');
    if (active.length === 0) {
      void vscode.window.showInformationMessage(`${env.name} has no active preview link.`);
      return undefined;
    }
    link = (
      await vscode.window.showQuickPick(
        active.map((l) => ({ label: l.label ?? 'Preview link', description: `by ${l.created_by}, until ${new Date(l.expires_at).toLocaleString()}`, l })),
        { title: `Revoke a preview link of ${env.name}` },
      )
    )?.l;
    if (!link) return undefined;
  }
  const name = typeof link === 'string' ? 'this preview link' : `the preview link "${link.label ?? 'Preview link'}"`;
  const confirm = await vscode.window.showWarningMessage(`Revoke ${name}? Its visitors get "gone" (410) from now on.`, { modal: true }, 'Revoke');
  if (confirm !== 'Revoke') return undefined;
  await context.session.api.revokePreviewLink(typeof link === 'string' ? link : link.id);
  return link;
}

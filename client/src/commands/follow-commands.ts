import * as vscode from 'vscode';
import type { Environment } from '../api/staging-api';
import type { CommandContext } from './command-context';
import { environmentFrom } from './pickers';

async function setFollowing(context: CommandContext, arg: unknown, follow: boolean): Promise<Environment | undefined> {
  const env = await environmentFrom(context, arg, { includeProduction: true });
  if (!env) return undefined;
  await context.followed.set(env.project, env.name, follow);
  void vscode.window.showInformationMessage(
    follow
      ? `Following ${env.name}: its deployments, comments, reviews and e-mail notify you here.`
      : `No longer following ${env.name}: it notifies you only of what you start here.`,
  );
  return env;
}

export const follow = (context: CommandContext, arg?: unknown) => setFollowing(context, arg, true);
export const unfollow = (context: CommandContext, arg?: unknown) => setFollowing(context, arg, false);

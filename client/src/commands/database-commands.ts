import * as vscode from 'vscode';
import type { DatabaseSync } from '../api/staging-api';
import { syncUnderWay } from '../database/sync-text';
import type { CommandContext } from './command-context';
import { environmentFrom } from './pickers';
import { progressUntilEnd } from './sync-progress';

/**
 * staging.syncDatabase: copies production's database into the environment's (from the tree, the panel, or an
 * environment picked). Returns the queued sync at once; the status bar shows it until it ends, and the environment
 * is followed, so its end notifies (EnvironmentNotifier) with what was copied or why it failed.
 */
export async function syncDatabase(context: CommandContext, arg?: unknown): Promise<DatabaseSync | undefined> {
  const env = await environmentFrom(context, arg);
  if (!env) return undefined;
  const sync = await context.session.api.startDatabaseSync(env.project, env.name);
  await context.followed.set(env.project, env.name, true);
  void progressUntilEnd(context, sync, `Syncing the database of ${env.name}`, context.events.onDatabaseSync, (id) => context.session.api.databaseSync(id));
  return sync;
}

/**
 * staging.cancelDatabaseSync: cancels the environment's sync under way (from the tree's database node while it syncs,
 * or an environment picked); the environment keeps its previous data. Says so when there is none to cancel.
 */
export async function cancelDatabaseSync(context: CommandContext, arg?: unknown): Promise<DatabaseSync | undefined> {
  const env = await environmentFrom(context, arg);
  if (!env) return undefined;
  const [last] = await context.session.api.databaseSyncs(env.project, env.name, 1);
  if (!last || !syncUnderWay(last)) {
    void vscode.window.showInformationMessage(`No database sync of ${env.name} is under way.`);
    return undefined;
  }
  return context.session.api.cancelDatabaseSync(last.id);
}

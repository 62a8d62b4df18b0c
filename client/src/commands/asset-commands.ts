import type { AssetSync, Environment } from '../api/staging-api';
import { reportError, type CommandContext } from './command-context';
import { environmentFrom } from './pickers';
import { progressUntilEnd } from './sync-progress';

/**
 * staging.syncAssets: copies staging.yaml's `assets.source` into the environment's files (from the tree's Assets node,
 * the environment's menu, the panel's Sync Now, or an environment picked). Returns the queued sync at once; the status
 * bar shows it until it ends, then a notification says what it copied or why it failed, with its log. stagingd's
 * refusal (no assets, production, its runner, one under way) is its 409's message.
 */
export async function syncAssets(context: CommandContext, arg?: unknown): Promise<AssetSync | undefined> {
  const env = await environmentFrom(context, arg);
  if (!env) return undefined;
  const sync = await context.session.api.startAssetSync(env.project, env.name);
  context.notifier.followedHere(sync.id);
  void tellTheEnd(context, env, sync).catch((error: unknown) => reportError(error, context));
  return sync;
}

async function tellTheEnd(context: CommandContext, env: Environment, sync: AssetSync): Promise<void> {
  const read = (id: string): Promise<AssetSync> => context.session.api.assetSync(id);
  const ended = await progressUntilEnd(context, sync, `Syncing the assets of ${env.name}`, context.events.onAssetSync, read);
  if (ended) await context.notifier.assetSyncEnded(ended);
}

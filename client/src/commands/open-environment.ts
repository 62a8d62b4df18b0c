import type { EnvironmentKey } from '../../../webview/src/environment/protocol';
import type { EnvironmentPanel } from '../panels/environment-panel';
import type { OpenPanels } from '../panels/panel-host';
import type { CommandContext } from './command-context';
import { environmentFrom } from './pickers';

/** Opens the detail panel of an environment: the tree node it was run from, or one picked from every project's. */
export function openEnvironment(panels: OpenPanels<EnvironmentKey, EnvironmentPanel>) {
  return async (context: CommandContext, arg?: unknown): Promise<EnvironmentPanel | undefined> => {
    const env = await environmentFrom(context, arg, { includeProduction: true });
    return env ? panels.show({ project: env.project, environment: env.name }, env.name) : undefined;
  };
}

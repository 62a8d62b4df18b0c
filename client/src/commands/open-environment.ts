import type * as vscode from 'vscode';
import { EnvironmentPanel } from '../panels/environment-panel';
import type { CommandContext } from './command-context';
import { environmentFrom } from './pickers';

/** Opens the detail panel of an environment: the tree node it was run from, or one picked from every project's. */
export function openEnvironment(extension: vscode.ExtensionContext) {
  return async (context: CommandContext, arg?: unknown): Promise<EnvironmentPanel | undefined> => {
    const env = await environmentFrom(context, arg, { includeProduction: true });
    return env ? EnvironmentPanel.show(extension, context, env) : undefined;
  };
}

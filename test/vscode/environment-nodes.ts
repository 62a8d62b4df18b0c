import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { StagingExtensionApi } from '../../client/src/extension';
import type { StagingNode } from '../../client/src/tree/nodes';

/** The extension under test, as it exports itself (it runs from its bundle, not from these sources). */
export function extension(): StagingExtensionApi {
  return vscode.extensions.getExtension<StagingExtensionApi>('staging-dev.staging')!.exports;
}

/** A tree node's children, as the Staging view shows them now (the roots without a node). */
export const children = async (node?: StagingNode): Promise<StagingNode[]> => (await extension().tree.getChildren(node)) ?? [];

/** The nodes under an environment of the project, as the tree shows them now (matched by id: the extension runs from its bundle). */
export async function underEnvironment(project: string, name: string): Promise<StagingNode[]> {
  const projectNode = (await children()).find((n) => n.treeItem().id === `project:${project}`);
  assert.ok(projectNode, 'the project is in the tree');
  const env = (await children(projectNode)).find((n) => n.treeItem().id === `environment:${project}/${name}`);
  assert.ok(env, `${name} is in the tree`);
  return children(env);
}

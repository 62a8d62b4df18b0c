import * as vscode from 'vscode';
import { parseConfig } from '../../common/src/config/parse';
import { claimOf } from '../../common/src/config/staging-document';

export interface WorkspaceProject {
  name: string;
  folder: vscode.WorkspaceFolder;
  config: vscode.Uri;
}

/**
 * Every workspace folder with a staging.yaml that is a Staging config (see claimOf) is a project, named by its `project:`
 * key. An open file is read from its editor, as the language server reads it: a read from disk while the editor saves
 * it can find the file half-written.
 */
export async function workspaceProjects(): Promise<WorkspaceProject[]> {
  const projects: WorkspaceProject[] = [];
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    for (const file of ['staging.yaml', 'staging.yml']) {
      const uri = vscode.Uri.joinPath(folder.uri, file);
      const text = await configText(uri);
      if (text === undefined) continue;
      if (claimOf(text) !== 'ours') continue;
      const name = (parseConfig(text).value as { project?: unknown } | null)?.project;
      if (typeof name === 'string') projects.push({ name, folder, config: uri });
      break;
    }
  }
  return projects;
}

/** The text of a staging.yaml: its editor's when it is open, else the file's; undefined when there is no such file. */
export async function configText(uri: vscode.Uri): Promise<string | undefined> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open && !open.isClosed) return open.getText();
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}

/** True for a staging.yaml (or .yml) at the top of a workspace folder: the files workspaceProjects reads. */
export function isWorkspaceConfig(uri: vscode.Uri): boolean {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  return !!folder && ['staging.yaml', 'staging.yml'].some((file) => vscode.Uri.joinPath(folder.uri, file).toString() === uri.toString());
}

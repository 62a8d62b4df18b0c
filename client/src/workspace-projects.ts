import * as vscode from 'vscode';
import { parseConfig } from '../../common/src/config/parse';
import { claimOf } from '../../common/src/config/staging-document';

export interface WorkspaceProject {
  name: string;
  folder: vscode.WorkspaceFolder;
  config: vscode.Uri;
}

/** Every workspace folder with a staging.yaml that is a Staging config (see claimOf) is a project, named by its `project:` key. */
export async function workspaceProjects(): Promise<WorkspaceProject[]> {
  const projects: WorkspaceProject[] = [];
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    for (const file of ['staging.yaml', 'staging.yml']) {
      const uri = vscode.Uri.joinPath(folder.uri, file);
      let text: string;
      try {
        text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      } catch {
        continue;
      }
      if (claimOf(text) !== 'ours') continue;
      const name = (parseConfig(text).value as { project?: unknown } | null)?.project;
      if (typeof name === 'string') projects.push({ name, folder, config: uri });
      break;
    }
  }
  return projects;
}

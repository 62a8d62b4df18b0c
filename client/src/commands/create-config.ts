import * as vscode from 'vscode';

const template = `# Staging environments of \${name}: the Staging extension validates this file as you type.
version: 1
project: \${name}
production:
  url: https://\${name}.example.com
  branch: main
build:
  command: npm ci && npm run build
run:
  command: npm start # listens on $PORT
  health:
    path: /healthz
environments:
  - name: staging
    branch: develop
  - name: preview-{branch}
    branches: feature/*
    expiry: 7d
isolation:
  email: capture
  payments: test
  robots: block
`;

/** Writes a starter staging.yaml into a workspace folder and opens it. */
export async function createConfig(): Promise<vscode.Uri | undefined> {
  const folder =
    vscode.workspace.workspaceFolders?.length === 1
      ? vscode.workspace.workspaceFolders[0]
      : await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Folder for staging.yaml' });
  if (!folder) return undefined;
  const uri = vscode.Uri.joinPath(folder.uri, 'staging.yaml');
  const name =
    folder.name
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .replace(/^(\d)/, 'p$1') || 'my-project';
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(template.replace(/\$\{name\}/g, name)));
  await vscode.window.showTextDocument(uri);
  return uri;
}

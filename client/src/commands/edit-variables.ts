import * as vscode from 'vscode';
import type { Variable } from '../api/staging-api';
import type { CommandContext } from './command-context';
import { environmentFrom } from './pickers';

type Item = vscode.QuickPickItem & { variable?: Variable; add?: boolean };

/**
 * Edits an environment's variables: pick one to change or remove, or add one. Secret values are
 * write-only: they are typed in a password box and never shown; an unchanged secret keeps its value.
 */
export async function editVariables(context: CommandContext, arg?: unknown): Promise<void> {
  const env = await environmentFrom(context, arg, { includeProduction: true });
  if (!env) return;
  const api = context.session.api;
  for (;;) {
    const variables = await api.variables(env.project, env.name);
    const items: Item[] = [
      ...variables.map((variable) => ({ label: variable.name, description: variable.secret ? '•••••••• (secret)' : (variable.value ?? ''), variable })),
      { label: '$(add) Add a variable…', add: true },
    ];
    const picked = await vscode.window.showQuickPick(items, { title: `Variables of ${env.name} (applied from the next deployment)` });
    if (!picked) return;
    const keep = variables.map((v) => ({ name: v.name, secret: v.secret, ...(v.secret ? {} : { value: v.value ?? '' }) }));
    if (picked.add) {
      const name = await vscode.window.showInputBox({
        title: 'Variable name',
        validateInput: (value) => (/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(value) ? undefined : 'Letters, digits and _, not starting with a digit'),
      });
      if (!name) continue;
      const secret = (await vscode.window.showQuickPick(['Plain value', 'Secret (write-only)'], { title: name })) === 'Secret (write-only)';
      const value = await vscode.window.showInputBox({ title: `Value of ${name}`, password: secret });
      if (value === undefined) continue;
      await api.putVariables(env.project, env.name, [...keep.filter((v) => v.name !== name), { name, value, secret }]);
      continue;
    }
    const variable = picked.variable!;
    const action = await vscode.window.showQuickPick(['Change the value', 'Remove'], { title: variable.name });
    if (action === 'Remove')
      await api.putVariables(
        env.project,
        env.name,
        keep.filter((v) => v.name !== variable.name),
      );
    if (action === 'Change the value') {
      const value = await vscode.window.showInputBox({
        title: `New value of ${variable.name}`,
        password: variable.secret,
        value: variable.secret ? '' : (variable.value ?? ''),
      });
      if (value !== undefined)
        await api.putVariables(env.project, env.name, [
          ...keep.filter((v) => v.name !== variable.name),
          { name: variable.name, value, secret: variable.secret },
        ]);
    }
  }
}

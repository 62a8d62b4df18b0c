// The variables form of the environment panel: plain values edited inline, secrets write-only (a password
// field that stays empty unless a new value is typed), add, remove, and Save for the whole set.
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { element } from '../shared/dom';
import { variableNamePattern, variableValueMaxLength, type VariableRow, type VariableUpdate } from './protocol';

export interface Draft {
  name: string;
  secret: boolean;
  /** For a stored secret: a new value, '' to keep the stored one. */
  value: string;
  /** Stored by the API (its name and kind are fixed; remove it and add another to change them). */
  stored: boolean;
}

/** A problem of the form: in a row's name or value, or (row -1) of the form as a whole. */
export interface Problem {
  row: number;
  field: 'name' | 'value' | null;
  message: string;
}

/** The problems of a draft; empty when it can be saved. */
export function validateDrafts(drafts: readonly Draft[]): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  drafts.forEach((draft, row) => {
    if (draft.name === '') problems.push({ row, field: 'name', message: 'A new variable needs a name.' });
    else if (!variableNamePattern.test(draft.name))
      problems.push({ row, field: 'name', message: `'${draft.name}' is not a valid name: letters, digits and _, not starting with a digit.` });
    else if (seen.has(draft.name)) problems.push({ row, field: 'name', message: `'${draft.name}' is listed twice.` });
    seen.add(draft.name);
    if (draft.secret && !draft.stored && draft.value === '') problems.push({ row, field: 'value', message: `The new secret '${draft.name}' needs a value.` });
    if (draft.value.length > variableValueMaxLength)
      problems.push({ row, field: 'value', message: `The value of '${draft.name}' is longer than ${variableValueMaxLength} characters.` });
  });
  return problems;
}

export class VariablesEditor {
  private stored: VariableRow[] = [];
  private drafts: Draft[] = [];
  private dirty = false;
  private saving = false;
  private problems: Problem[] = [];
  private readonly table = element('tbody');
  private readonly messages = element('div', { role: 'alert' });
  private readonly save = element('vscode-button', { icon: 'save', disabled: '' }, 'Save');
  private readonly discard = element('vscode-button', { icon: 'discard', secondary: '', disabled: '' }, 'Discard Changes');
  readonly root: HTMLElement;

  constructor(
    private readonly send: (items: VariableUpdate[]) => void,
    /** Unsaved changes as the page may keep them across a hide or reload: undefined when there are none. */
    private readonly keep: (drafts: Draft[] | undefined) => void,
  ) {
    const add = element('vscode-button', { icon: 'add', secondary: '' }, 'Add Variable');
    add.addEventListener('click', () => {
      this.drafts.push({ name: '', secret: false, value: '', stored: false });
      this.changed(true);
      const name = this.table.lastElementChild?.querySelector('vscode-textfield');
      void name?.updateComplete.then(() => name.focus());
    });
    this.save.addEventListener('click', () => this.submit());
    this.discard.addEventListener('click', () => {
      this.dirty = false;
      this.problems = [];
      this.reset();
    });
    this.root = element(
      'div',
      {},
      element('table', {}, element('thead', {}, element('tr', {}, ...['Name', 'Value', ''].map((h) => element('th', {}, h)))), this.table),
      this.messages,
      element('div', { class: 'form-actions' }, add, this.save, this.discard),
      element('p', { class: 'muted' }, 'Changes apply from the next deployment. Secret values are write-only: they are never shown, only replaced.'),
    );
  }

  /** The stored variables: shown unless the form holds unsaved changes. */
  update(stored: VariableRow[]): void {
    this.stored = stored;
    if (!this.dirty && !this.saving) this.reset();
  }

  /**
   * Unsaved changes kept from before the page was hidden or reloaded. Typed secret values are never kept
   * (the page's state is written to disk), so a secret being replaced has to be typed again.
   */
  restore(drafts: Draft[]): void {
    this.drafts = drafts.map((d) => ({ ...d }));
    this.dirty = true;
    this.render();
  }

  /** Saved: the state that follows shows what is stored now. */
  saved(): void {
    this.saving = false;
    this.dirty = false;
    this.problems = [];
    this.render();
  }

  refused(message: string, index: number | null): void {
    this.saving = false;
    this.problems = [{ row: index ?? -1, field: null, message: `Not saved: ${message}` }];
    this.render();
  }

  /** What the form shows now. */
  get counts(): { variables: number; maskedSecrets: number } {
    return { variables: this.drafts.length, maskedSecrets: this.drafts.filter((d) => d.secret && d.stored).length };
  }

  private reset(): void {
    this.drafts = this.stored.map((v) => ({ name: v.name, secret: v.secret, value: v.secret ? '' : (v.value ?? ''), stored: true }));
    this.render();
  }

  private submit(): void {
    this.problems = validateDrafts(this.drafts);
    if (this.problems.length > 0) {
      this.render();
      return;
    }
    this.saving = true;
    this.render();
    // A stored secret without a new value is sent without one: the API keeps its value.
    this.send(this.drafts.map((d) => (d.secret && d.value === '' ? { name: d.name, secret: true } : { name: d.name, secret: d.secret, value: d.value })));
  }

  /** After an edit: a structural one (add, remove, secret toggled) renders the rows again. */
  private changed(structural: boolean): void {
    this.dirty = true;
    if (structural) this.render();
    else this.renderButtons();
  }

  private renderButtons(): void {
    this.keep(this.dirty ? this.drafts.map((d) => ({ ...d, value: d.secret ? '' : d.value })) : undefined);
    this.save.toggleAttribute('disabled', !this.dirty || this.saving);
    this.discard.toggleAttribute('disabled', !this.dirty || this.saving);
  }

  private render(): void {
    this.table.replaceChildren(
      ...(this.drafts.length === 0 ? [element('tr', {}, element('td', { colspan: '3', class: 'muted' }, 'No variables set through the API.'))] : []),
      ...this.drafts.map((draft, index) => this.row(draft, index)),
    );
    this.messages.replaceChildren(...this.problems.map((p) => element('p', { class: 'error' }, p.message)));
    this.renderButtons();
  }

  /** Whether a field of a row is at fault; a problem the API reported for a row without a field marks both. */
  private faulty(row: number, field: 'name' | 'value'): boolean {
    return this.problems.some((p) => p.row === row && (p.field === field || p.field === null));
  }

  private row(draft: Draft, index: number): HTMLTableRowElement {
    const value = element('vscode-textfield', { 'aria-label': `Value of ${draft.name || 'the new variable'}` });
    value.type = draft.secret ? 'password' : 'text';
    value.value = draft.value;
    value.invalid = this.faulty(index, 'value');
    if (draft.secret) value.placeholder = draft.stored ? '•••••••• (unchanged: type to replace)' : 'Secret value';
    value.addEventListener('input', () => {
      draft.value = value.value;
      this.changed(false);
    });
    const remove = element('vscode-button', { icon: 'trash', secondary: '', title: `Remove ${draft.name}`, 'aria-label': `Remove ${draft.name}` });
    remove.addEventListener('click', () => {
      this.drafts.splice(index, 1);
      this.problems = [];
      this.changed(true);
    });
    return element(
      'tr',
      { 'data-variable': draft.name },
      element('td', {}, ...this.nameCell(draft, index)),
      element('td', {}, value),
      element('td', {}, remove),
    );
  }

  private nameCell(draft: Draft, index: number): (Node | string)[] {
    if (draft.stored) return [element('code', {}, draft.name), ...(draft.secret ? [' ', element('vscode-badge', {}, 'secret')] : [])];
    const name = element('vscode-textfield', { placeholder: 'NAME', 'aria-label': 'Name of the new variable' });
    name.value = draft.name;
    name.invalid = this.faulty(index, 'name');
    name.addEventListener('input', () => {
      draft.name = name.value;
      name.invalid = name.value !== '' && !variableNamePattern.test(name.value);
      this.changed(false);
    });
    const secret = element('vscode-checkbox', { label: 'Secret' });
    secret.checked = draft.secret;
    secret.addEventListener('change', () => {
      draft.secret = secret.checked;
      this.changed(true);
    });
    return [name, ' ', secret];
  }
}

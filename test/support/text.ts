import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Position } from 'vscode-languageserver';

/** A document whose `|` marks the cursor: the caret is removed and its position returned. */
export function withCaret(textWithCaret: string): { document: TextDocument; position: Position; text: string } {
  const offset = textWithCaret.indexOf('|');
  if (offset < 0) throw new Error('no | caret in test text');
  const text = textWithCaret.slice(0, offset) + textWithCaret.slice(offset + 1);
  const document = TextDocument.create('file:///work/staging.yaml', 'yaml', 1, text);
  return { document, position: document.positionAt(offset), text };
}

export function documentOf(text: string): TextDocument {
  return TextDocument.create('file:///work/staging.yaml', 'yaml', 1, text);
}

/** `line:col-line:col`, zero-based, for compact exact range assertions. */
export function rangeText(range: { start: Position; end: Position }): string {
  return `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}`;
}

/** The minimal valid staging.yaml header, so a test only writes the part it is about. */
export const header = `version: 1
project: shop
production:
  url: https://shop.example.com
  branch: main
`;

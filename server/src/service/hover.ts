import { MarkupKind, type Hover } from 'vscode-languageserver';
import type { Position } from 'vscode-languageserver-textdocument';
import type { ParsedConfig } from '../../../common/src/config/parse';
import { describe, schemasAt } from '../../../common/src/schema/json-schema';
import { nodeAtOffset } from './yaml-path';

/** The schema's documentation for the key under the cursor, and for an enum value, what that value means. */
export function hover(parsed: ParsedConfig, position: Position): Hover | null {
  const at = nodeAtOffset(parsed, parsed.lines.offsetAt(position));
  if (!at) return null;
  const schemas = schemasAt(at.path);
  const documented = schemas.find((s) => describe(s));
  const key = at.path.filter((s): s is string => typeof s === 'string').pop();
  const sections: string[] = [];
  if (documented) sections.push(`${key ? `**${key}**\n\n` : ''}${describe(documented)}`);
  if (at.on === 'value') {
    for (const schema of schemas) {
      const index = schema.enum?.findIndex((v) => v === at.value) ?? -1;
      const meaning = index >= 0 ? schema.markdownEnumDescriptions?.[index] : undefined;
      if (meaning) sections.push(`\`${String(at.value)}\`: ${meaning}`);
    }
  }
  if (sections.length === 0) return null;
  return {
    contents: { kind: MarkupKind.Markdown, value: sections.join('\n\n---\n\n') },
    range: parsed.lines.rangeOf(at.range[0], at.range[1]),
  };
}

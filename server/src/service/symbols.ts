import { scalarText } from '../../../common/src/text/quote';
import { isMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import { keyText, type ParsedConfig } from '../../../common/src/config/parse';

/** The outline: top-level sections, environments by name, nested keys. */
export function documentSymbols(parsed: ParsedConfig): DocumentSymbol[] {
  return children(parsed, parsed.document.contents);
}

function children(parsed: ParsedConfig, node: unknown): DocumentSymbol[] {
  const symbols: DocumentSymbol[] = [];
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = pair.key as Node | null;
      const value = pair.value as Node | null;
      if (!key?.range) continue;
      const end = value?.range ? value.range[1] : key.range[1];
      symbols.push(symbol(parsed, keyText(pair), value, [key.range[0], end], [key.range[0], key.range[1]]));
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => {
      const child = item as Node | null;
      if (!child?.range) return;
      const name = isMap(child) ? child.get('name') : undefined;
      symbols.push(
        symbol(parsed, typeof name === 'string' && name ? name : `[${index}]`, child, [child.range[0], child.range[1]], [child.range[0], child.range[1]]),
      );
    });
  }
  return symbols;
}

function symbol(parsed: ParsedConfig, name: string, value: Node | null, range: [number, number], selection: [number, number]): DocumentSymbol {
  const result: DocumentSymbol = {
    name,
    kind: kindOf(value),
    range: parsed.lines.rangeOf(range[0], range[1]),
    selectionRange: parsed.lines.rangeOf(selection[0], selection[1]),
  };
  if (isScalar(value) && value.value !== null) result.detail = scalarText(value.value);
  const nested = children(parsed, value);
  if (nested.length > 0) result.children = nested;
  return result;
}

function kindOf(value: Node | null): SymbolKind {
  if (isMap(value)) return SymbolKind.Module;
  if (isSeq(value)) return SymbolKind.Array;
  if (!isScalar(value)) return SymbolKind.Null;
  switch (typeof value.value) {
    case 'number':
      return SymbolKind.Number;
    case 'boolean':
      return SymbolKind.Boolean;
    case 'string':
      return SymbolKind.String;
    default:
      return SymbolKind.Null;
  }
}

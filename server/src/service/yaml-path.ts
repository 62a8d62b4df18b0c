import { isMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import { keyText, type ParsedConfig, type Path } from '../../../common/src/config/parse';

/** What sits under an offset in the parsed document: a key or a scalar value, with its path. */
export interface NodeAtOffset {
  path: Path;
  on: 'key' | 'value';
  range: [number, number];
  value?: unknown;
}

export function nodeAtOffset(parsed: ParsedConfig, offset: number): NodeAtOffset | undefined {
  return find(parsed.document.contents, offset, []);
}

function contains(node: Node | null | undefined, offset: number): boolean {
  return !!node?.range && node.range[0] <= offset && offset <= node.range[1];
}

function find(node: unknown, offset: number, path: Path): NodeAtOffset | undefined {
  if (isMap(node)) {
    for (const item of node.items) {
      if (!isPair(item)) continue;
      const key = item.key as Node | null;
      const childPath = [...path, keyText(item)];
      if (key?.range && contains(key, offset)) return { path: childPath, on: 'key', range: [key.range[0], key.range[1]] };
      const value = item.value as Node | null;
      if (contains(value, offset)) return find(value, offset, childPath);
    }
    return undefined;
  }
  if (isSeq(node)) {
    for (let index = 0; index < node.items.length; index++) {
      const item = node.items[index] as Node | null;
      if (contains(item, offset)) return find(item, offset, [...path, index]);
    }
    return undefined;
  }
  if (isScalar(node) && node.range) return { path, on: 'value', range: [node.range[0], node.range[1]], value: node.value };
  return undefined;
}

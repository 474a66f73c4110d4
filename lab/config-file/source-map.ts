import { isMap, isPair, isScalar, type Document, type LineCounter, type Node } from 'yaml';
import { formatPath, type FileIssue } from './file-issue.js';
import type { Position } from './text-position.js';

/**
 * Maps a field path of the parsed YAML back to line:column in the file, so every message can point at
 * the text a person has to change. Falls back to the nearest existing parent for missing fields.
 */
export class SourceMap {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Position of the value at `path` (or of `key` inside it, for unknown keys). */
  locate(path: ReadonlyArray<PropertyKey>, key?: string): Position {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = this.doc.getIn(path.slice(0, depth) as unknown[], true) as Node | undefined;
      if (!node) continue;
      if (key !== undefined && depth === path.length && isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
        const keyNode = pair?.key as Node | undefined;
        if (keyNode?.range) return this.at(keyNode.range[0]);
      }
      if (node.range) return this.at(node.range[0]);
    }
    return { line: 1, column: 1 };
  }

  at(offset: number): Position {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }
}

/** A problem at a field of a YAML file, placed where the field (or the unknown `key`) is written. */
export function located(source: SourceMap, file: string, path: ReadonlyArray<PropertyKey>, message: string, key?: string): FileIssue {
  const { line, column } = source.locate(path, key);
  return { file, line, column, path: formatPath(key !== undefined ? [...path, key] : path), message };
}

import { Composer, Lexer, LineCounter, Parser, type Document } from 'yaml';
import type { CST } from 'yaml';
import type { FileIssue } from './file-issue.js';
import { SourceMap } from './source-map.js';
import { checkShape } from './yaml-shape.js';

export interface YamlLimits {
  noun: string;
  maxDepth: number;
  /** Values the data may hold once aliases are expanded. */
  maxValues: number;
}

/** The yaml package's own bound on aliases, applied when the data is made: an anchor and its aliases 100 times at most (its default). */
const MAX_ALIASES = 100;

const COLLECTIONS = new Set(['block-map', 'block-seq', 'flow-collection']);

/** Collections open on the parser's stack (it also holds the document and the token being built). */
function openCollections(parser: Parser): number {
  let n = 0;
  for (const token of parser.stack) if (COLLECTIONS.has(token.type)) n += 1;
  return n;
}

export type ParsedYaml = { data: unknown; source: SourceMap } | { issues: FileIssue[] };

/**
 * YAML text → data and the positions of its fields, or every problem found with its line and column.
 * Time and memory stay bounded for hostile text: the parser is driven token by token and stopped once it
 * is nested past the bound (the yaml package composes recursively, and its parser slows down with depth:
 * 2,000,000 open brackets took 17 s), the document's shape is checked before the data is made
 * (yaml-shape.ts), and the yaml package's alias count applies when it is.
 */
export function parseYaml(text: string, file: string, limits: YamlLimits): ParsedYaml {
  const lines = new LineCounter();
  const at = (offset: number, message: string): FileIssue => {
    const { line, col } = lines.linePos(offset);
    return { file, line, column: col, path: '', message };
  };
  const parser = new Parser(lines.addNewLine);
  lines.addNewLine(0);
  const tokens: CST.Token[] = [];
  for (const lexeme of new Lexer().lex(text)) {
    for (const token of parser.next(lexeme)) tokens.push(token);
    // At the token that opened one level too many (the parser's offset is past it).
    if (parser.stack.length > limits.maxDepth && openCollections(parser) > limits.maxDepth)
      return { issues: [at(parser.offset - lexeme.length, `expected ${limits.noun}, found nesting deeper than ${limits.maxDepth} levels`)] };
  }
  for (const token of parser.end()) tokens.push(token);

  // The library's duplicate-key check is quadratic; yaml-shape.ts makes it linear.
  const composer = new Composer({ uniqueKeys: false, strict: true, prettyErrors: false });
  let doc: Document.Parsed | undefined;
  for (const next of composer.compose(tokens, true, text.length)) {
    if (doc) return { issues: [at(next.range[0], 'expected one YAML document, found a second one (`---`)')] };
    doc = next;
  }
  if (!doc) return { issues: [at(0, 'expected a YAML document, found none')] };
  if (doc.errors.length > 0) return { issues: doc.errors.map((e) => at(e.pos[0], `expected valid YAML, found an error: ${e.message.split('\n')[0]}`)) };

  const shape = checkShape(doc.contents, { ...limits });
  if (shape.problem) return { issues: [at(shape.problem.offset, shape.problem.message)] };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    // An anchor named more often than the package's bound allows.
    return { issues: [at(shape.busiestAlias ?? 0, `expected ${limits.noun} without alias explosions, found ${(error as Error).message}`)] };
  }
  return { data, source: new SourceMap(doc, lines) };
}

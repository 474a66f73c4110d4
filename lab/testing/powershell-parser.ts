/**
 * Test support: PowerShell's grammar (tree-sitter-powershell through web-tree-sitter), so generated
 * scripts are checked by a real parser rather than by eye. PowerShell itself cannot run here.
 */
import { join } from 'node:path';
import { Language, Parser, type Node } from 'web-tree-sitter';

let parser: Promise<Parser> | undefined;

async function load(): Promise<Parser> {
  await Parser.init();
  const root = join(import.meta.dirname, '..', '..');
  const language = await Language.load(join(root, 'node_modules', 'tree-sitter-powershell', 'tree-sitter-powershell.wasm'));
  const p = new Parser();
  p.setLanguage(language);
  return p;
}

export interface ParsedScript {
  hasError: boolean;
  /** Where the first error or missing node is, for messages. */
  errorAt?: string;
  /** Every verbatim (single-quoted) string, its value with doubled quotes folded. */
  verbatimStrings: string[];
  /**
   * False when a verbatim string, read by PowerShell's own rule, would end earlier than the grammar thinks:
   * PowerShell also ends single-quoted strings at U+2018..U+201B, which tree-sitter-powershell does not know.
   */
  quotesHold: boolean;
  /** Every expandable (double-quoted) string's raw text: lab's scripts must have none built from input. */
  expandableStrings: string[];
  /** The names of every command the script calls, in order. */
  commands: string[];
  /** Every variable the script reads or sets. */
  variables: string[];
}

export async function parsePowerShell(text: string): Promise<ParsedScript> {
  parser ??= load();
  const tree = (await parser).parse(text);
  if (!tree) throw new Error('tree-sitter returned no tree');
  const out: ParsedScript = { hasError: tree.rootNode.hasError, quotesHold: true, verbatimStrings: [], expandableStrings: [], commands: [], variables: [] };
  const walk = (node: Node) => {
    if ((node.isError || node.isMissing) && !out.errorAt)
      out.errorAt = `${node.startPosition.row + 1}:${node.startPosition.column + 1} near ${JSON.stringify(node.text.slice(0, 40))}`;
    if (node.type === 'string_literal') {
      const raw = node.text;
      if (/^['\u2018-\u201B]/.test(raw)) {
        const inner = raw.slice(1, -1);
        // Inside, every quote character must come in pairs (an escaped quote); a lone one ends the string.
        if (!/^(?:[^'\u2018-\u201B]|['\u2018-\u201B]['\u2018-\u201B])*$/.test(inner)) out.quotesHold = false;
        out.verbatimStrings.push(inner.replace(/(['\u2018-\u201B])['\u2018-\u201B]/g, '$1'));
      } else out.expandableStrings.push(raw);
    }
    if (node.type === 'command_name') out.commands.push(node.text);
    if (node.type === 'variable') out.variables.push(node.text);
    for (const child of node.children) if (child) walk(child);
  };
  walk(tree.rootNode);
  tree.delete();
  return out;
}

import { isAlias, isCollection, isMap, isPair, isScalar, type Node } from 'yaml';

export interface ShapeLimits {
  /** Levels of mappings and lists, aliases followed. */
  maxDepth: number;
  /** Values once every alias is replaced by what it names. */
  maxValues: number;
  noun: string;
}

/** The first thing wrong with a document's shape, at a character offset of the text. */
export interface ShapeProblem {
  offset: number;
  message: string;
}

export interface Shape {
  problem?: ShapeProblem;
  /** The first alias of the anchor used most often: where yaml's own alias count is exceeded, if it is. */
  busiestAlias?: number;
}

interface Measure {
  /** Values in it, aliases expanded. */
  size: number;
  /** Levels of collections in it, aliases followed. */
  height: number;
}

interface Frame {
  node: Node;
  depth: number;
  children: Node[];
  next: number;
  measure: Measure;
}

/**
 * Checks what the data would be before it is made, in one walk of the document in order, without
 * recursion (a hostile file cannot overflow the stack): a key written twice in one mapping (a set per
 * mapping: the yaml package's own check compares every key with every other, and 40,000 keys took 22 s),
 * nesting deeper than the bound, an alias with no anchor before it, an alias inside its own anchor (the
 * data would be circular), and aliases that expand past what a file of the largest size could hold without
 * them (a billion laughs, or one large anchor named a hundred times). The yaml package's maxAliasCount
 * stays in force when the data is made; this walk says where the problem is.
 */
export function checkShape(root: Node | null, limits: ShapeLimits): Shape {
  if (!root) return {};
  const anchors = new Map<string, Node>();
  const done = new Map<Node, Measure>();
  const uses = new Map<Node, { count: number; first: number }>();
  let values = 0;
  const stack: Frame[] = [];

  // A scalar or an alias is measured at once; a collection gets a frame, measured when its children are.
  const visit = (node: Node, depth: number): Measure | ShapeProblem | undefined => {
    const offset = node.range?.[0] ?? 0;
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (!target) return { offset, message: `expected an anchor \`&${node.source}\` before its alias, found \`*${node.source}\` with none` };
      const measure = done.get(target);
      if (!measure)
        return {
          offset,
          message: `expected ${limits.noun} whose aliases name finished values, found \`*${node.source}\` inside \`&${node.source}\` itself (the data would be circular)`,
        };
      const used = uses.get(target) ?? { count: 0, first: offset };
      used.count += 1;
      uses.set(target, used);
      values += measure.size;
      if (values > limits.maxValues)
        return {
          offset,
          message:
            `expected ${limits.noun} whose aliases expand to at most ${limits.maxValues.toLocaleString('en')} values in all ` +
            `(what the largest file holds without them), ` +
            `found \`*${node.source}\` taking it past that (an alias bomb?)`,
        };
      if (depth - 1 + measure.height > limits.maxDepth) return deeper(offset);
      return measure;
    }
    if (node.anchor) anchors.set(node.anchor, node);
    values += 1;
    if (!isCollection(node)) {
      const scalar = { size: 1, height: 0 };
      done.set(node, scalar);
      return scalar;
    }
    if (depth > limits.maxDepth) return deeper(offset);
    const children: Node[] = [];
    const keys = new Set<unknown>();
    for (const item of node.items as unknown[]) {
      if (!isPair(item)) {
        if (item) children.push(item as Node);
        continue;
      }
      const key = isScalar(item.key) ? item.key.value : undefined;
      // A list's single-pair items (`[a: 1, a: 2]`) are mappings of their own.
      if (key !== undefined && isMap(node)) {
        if (keys.has(key))
          return { offset: (item.key as Node).range?.[0] ?? offset, message: `expected unique keys, found \`${String(key)}\` twice in one mapping` };
        keys.add(key);
      }
      if (item.key) children.push(item.key as Node);
      if (item.value) children.push(item.value as Node);
    }
    stack.push({ node, depth, children, next: 0, measure: { size: 1, height: 1 } });
    return undefined;
  };
  const deeper = (offset: number): ShapeProblem => ({ offset, message: `expected ${limits.noun}, found nesting deeper than ${limits.maxDepth} levels` });

  const first = visit(root, 1);
  if (first && 'message' in first) return { problem: first };
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.next < frame.children.length) {
      const child = frame.children[frame.next++]!;
      const measured = visit(child, frame.depth + 1);
      if (measured && 'message' in measured) return { problem: measured };
      if (measured) add(frame.measure, measured);
      continue;
    }
    stack.pop();
    done.set(frame.node, frame.measure);
    const parent = stack[stack.length - 1];
    if (parent) add(parent.measure, frame.measure);
  }
  let busiest: { count: number; first: number } | undefined;
  for (const used of uses.values()) if (!busiest || used.count > busiest.count) busiest = used;
  return busiest ? { busiestAlias: busiest.first } : {};
}

function add(into: Measure, child: Measure): void {
  into.size += child.size;
  into.height = Math.max(into.height, child.height + 1);
}

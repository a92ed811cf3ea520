import { compareSpecificity, type Glob } from "./glob";

/**
 * Finds the most specific pattern matching a tool name without trying every pattern.
 *
 * Patterns sit in a trie keyed by their literal prefix. Because a longer literal prefix is the
 * first specificity key, the answer is found by walking the name down the trie as far as it
 * goes and then trying, from the deepest node back up, the few patterns stored at each node
 * (already in specificity order). The cost depends on the name's length and on how many
 * patterns share its prefixes, not on how many patterns the policy has.
 */

interface TrieNode<T> {
  readonly parent: TrieNode<T> | null;
  readonly children: Map<number, TrieNode<T>>;
  readonly entries: { glob: Glob; value: T }[];
}

export interface PatternEntry<T> {
  readonly glob: Glob;
  readonly value: T;
}

export class PatternIndex<T> {
  private readonly root: TrieNode<T> = newNode(null);
  readonly size: number;

  constructor(entries: readonly PatternEntry<T>[]) {
    for (const entry of entries) this.nodeFor(entry.glob.literalPrefix).entries.push(entry);
    this.sortAll(this.root);
    this.size = entries.length;
  }

  /** The value of the most specific pattern that matches `name`, or undefined. */
  find(name: string): T | undefined {
    let node = this.root;
    for (let i = 0; i < name.length; i++) {
      const child = node.children.get(name.charCodeAt(i));
      if (child === undefined) break;
      node = child;
    }
    for (let current: TrieNode<T> | null = node; current !== null; current = current.parent) {
      const entries = current.entries;
      for (let i = 0; i < entries.length; i++) if (entries[i].glob.test(name)) return entries[i].value;
    }
    return undefined;
  }

  private nodeFor(prefix: string): TrieNode<T> {
    let node = this.root;
    for (let i = 0; i < prefix.length; i++) {
      const code = prefix.charCodeAt(i);
      let child = node.children.get(code);
      if (child === undefined) {
        child = newNode(node);
        node.children.set(code, child);
      }
      node = child;
    }
    return node;
  }

  private sortAll(node: TrieNode<T>): void {
    // An explicit stack: a long literal prefix must not overflow the call stack.
    const stack = [node];
    while (stack.length > 0) {
      const current = stack.pop()!;
      current.entries.sort((a, b) => compareSpecificity(a.glob, b.glob));
      for (const child of current.children.values()) stack.push(child);
    }
  }
}

function newNode<T>(parent: TrieNode<T> | null): TrieNode<T> {
  return { parent, children: new Map(), entries: [] };
}

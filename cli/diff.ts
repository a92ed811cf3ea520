/**
 * Readable differences between two policy documents: both are printed the same canonical way
 * (formatPolicy), so that key order and spacing never show as changes (PostgreSQL's jsonb does
 * not keep key order, and the engine does not depend on it), then diffed line by line (Myers)
 * and shown as unified hunks.
 */

const KEY_ORDER = [
  "$schema",
  "description",
  "version",
  "default",
  "hide",
  "all_tools",
  "tools",
  "categories",
  "action",
  "approval",
  "require",
  "deny_if",
  "limits",
  "validate_input",
  "args_schema",
  "max_per_session",
  "on_deny",
  "counter",
  "window",
  "max",
  "scope",
  "increment_from",
  "timeout_seconds",
  "mode",
  "path",
  "op",
  "value",
  "Read",
  "Write",
  "Execute",
  "Destructive",
  "Financial",
];
const RANK = new Map(KEY_ORDER.map((k, i) => [k, i]));

function ordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(ordered);
  if (value === null || typeof value !== "object") return value;
  const keys = Object.keys(value).sort((a, b) => {
    const ra = RANK.get(a) ?? Infinity;
    const rb = RANK.get(b) ?? Infinity;
    if (ra !== rb) return ra - rb;
    return a < b ? -1 : a > b ? 1 : 0;
  });
  return Object.fromEntries(keys.map((k) => [k, ordered((value as Record<string, unknown>)[k])]));
}

/** The canonical text of a policy document: known fields in the language's order, the rest sorted, 2-space indent. */
export function formatPolicy(document: unknown): string {
  return JSON.stringify(ordered(document), null, 2) + "\n";
}

export type DiffOp = { kind: "same" | "del" | "add"; line: string };

/** Myers' O((N+M)D) line diff. */
export function diffLines(a: string[], b: string[]): DiffOp[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max;
  let v = new Int32Array(2 * max + 2);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    const next = v.slice();
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      next[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
    v = next;
  }
  trace.push(v.slice());
  // Walk back through the saved frontiers.
  const ops: DiffOp[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 2; d > 0 && (x > 0 || y > 0); d--) {
    const frontier = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && frontier[offset + k - 1] < frontier[offset + k + 1]) ? k + 1 : k - 1;
    const prevX = frontier[offset + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) ops.push({ kind: "same", line: a[--x] }), y--;
    if (x === prevX) ops.push({ kind: "add", line: b[--y] });
    else ops.push({ kind: "del", line: a[--x] });
  }
  while (x > 0 && y > 0) ops.push({ kind: "same", line: a[--x] }), y--;
  while (x > 0) ops.push({ kind: "del", line: a[--x] });
  while (y > 0) ops.push({ kind: "add", line: b[--y] });
  return ops.reverse();
}

const RED = "\x1b[31m";
const GREEN = "\x1b[32m";
const CYAN = "\x1b[36m";
const BOLD = "\x1b[1m";
const RESET = "\x1b[0m";

/** Unified diff text (`---`/`+++` headers, `@@` hunks with 3 lines of context); empty when equal. */
export function unifiedDiff(oldText: string, newText: string, labels: { old: string; new: string }, opts: { color?: boolean; context?: number } = {}): string[] {
  const split = (t: string) => (t === "" ? [] : t.replace(/\n$/, "").split("\n"));
  const ops = diffLines(split(oldText), split(newText));
  if (ops.every((op) => op.kind === "same")) return [];
  const context = opts.context ?? 3;
  const paint = (code: string, s: string) => (opts.color ? `${code}${s}${RESET}` : s);
  const out = [paint(BOLD, `--- ${labels.old}`), paint(BOLD, `+++ ${labels.new}`)];
  // Line numbers of each op in the old and new texts.
  const pos: { o: number; n: number }[] = [];
  let o = 1;
  let nn = 1;
  for (const op of ops) {
    pos.push({ o, n: nn });
    if (op.kind !== "add") o++;
    if (op.kind !== "del") nn++;
  }
  let i = 0;
  while (i < ops.length) {
    if (ops[i].kind === "same") {
      i++;
      continue;
    }
    const start = Math.max(0, i - context);
    let end = i;
    // Extend the hunk while changes are closer than 2×context lines apart.
    for (let j = i; j < ops.length; j++) {
      if (ops[j].kind !== "same") end = j;
      else if (j - end > 2 * context) break;
    }
    const stop = Math.min(ops.length, end + context + 1);
    const slice = ops.slice(start, stop);
    const oldCount = slice.filter((op) => op.kind !== "add").length;
    const newCount = slice.filter((op) => op.kind !== "del").length;
    const oldStart = oldCount === 0 ? pos[start].o - 1 : pos[start].o;
    const newStart = newCount === 0 ? pos[start].n - 1 : pos[start].n;
    out.push(paint(CYAN, `@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`));
    for (const op of slice) {
      if (op.kind === "same") out.push(` ${op.line}`);
      else if (op.kind === "del") out.push(paint(RED, `-${op.line}`));
      else out.push(paint(GREEN, `+${op.line}`));
    }
    i = stop;
  }
  return out;
}

/** `3 additions, 1 deletion` */
export function diffSummary(lines: string[]): string {
  // eslint-disable-next-line no-control-regex
  const plain = lines.map((l) => l.replace(/\x1b\[[0-9;]*m/g, ""));
  const adds = plain.filter((l) => l.startsWith("+") && !l.startsWith("+++")).length;
  const dels = plain.filter((l) => l.startsWith("-") && !l.startsWith("---")).length;
  return `${adds} ${adds === 1 ? "line" : "lines"} added, ${dels} removed`;
}

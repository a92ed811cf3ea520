"use client";

import { useEffect, useRef } from "react";
import { Annotation, EditorState, Prec, StateEffect, StateField, type Range } from "@codemirror/state";
import { Decoration, EditorView, drawSelection, highlightActiveLine, keymap, lineNumbers, type DecorationSet } from "@codemirror/view";
import { defaultKeymap, indentWithTab } from "@codemirror/commands";
import { bracketMatching, defaultHighlightStyle, foldGutter, syntaxHighlighting } from "@codemirror/language";
import { json } from "@codemirror/lang-json";
import { lintGutter, setDiagnostics, type Diagnostic } from "@codemirror/lint";
import { scanJson } from "@/gateway/policy/json-locate";
import type { LocatedError } from "@/components/servers/policy-json";

/** Marks a change that came from outside the editor (the lanes, undo), so it is not echoed back. */
const external = Annotation.define<boolean>();

const setHighlight = StateEffect.define<{ from: number; to: number } | null>();
const highlightField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(deco, tr) {
    deco = deco.map(tr.changes);
    for (const e of tr.effects) {
      if (!e.is(setHighlight)) continue;
      if (!e.value) return Decoration.none;
      const ranges: Range<Decoration>[] = [];
      const doc = tr.state.doc;
      const first = doc.lineAt(e.value.from).number;
      const last = doc.lineAt(Math.min(e.value.to, doc.length)).number;
      for (let n = first; n <= last; n++) ranges.push(Decoration.line({ class: "cm-rule-highlight" }).range(doc.line(n).from));
      return Decoration.set(ranges);
    }
    return deco;
  },
  provide: (f) => EditorView.decorations.from(f),
});

const theme = EditorView.theme({
  "&": { fontSize: "12px", height: "100%", backgroundColor: "#fff" },
  ".cm-scroller": { fontFamily: "var(--font-mono)", lineHeight: "1.55" },
  ".cm-content": { padding: "8px 0" },
  ".cm-gutters": { backgroundColor: "#fafafa", borderRight: "1px solid #e4e4e7", color: "#a1a1aa" },
  ".cm-activeLine": { backgroundColor: "#f4f4f5" },
  ".cm-rule-highlight": { backgroundColor: "#e0e7ff", boxShadow: "inset 3px 0 0 #4f46e5" },
  "&.cm-focused": { outline: "none" },
});

/** The end of the JSON token starting at `from` (a string, a literal, a number), for a diagnostic's range. */
function tokenEnd(text: string, from: number): number {
  const re = /"(?:[^"\\\n]|\\.)*"?|[^\s,:{}[\]]+|[\s\S]/y;
  re.lastIndex = from;
  const m = re.exec(text);
  return m ? from + m[0].length : from;
}

export function diagnosticsFor(text: string, state: EditorState, errors: LocatedError[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const e of errors) {
    if (e.line === undefined) continue;
    const line = state.doc.line(Math.min(Math.max(1, e.line), state.doc.lines));
    const from = Math.min(line.from + (e.column ?? 1) - 1, line.to);
    // A member is marked from its key to the end of its line (its value, when on the same line).
    const lineText = state.doc.sliceString(from, line.to).replace(/[\s,]+$/, "");
    const to = Math.max(from, Math.min(Math.max(tokenEnd(text, from), from + lineText.length), line.to));
    out.push({ from, to, severity: "error", message: e.path ? `${e.path}: ${e.message}` : e.message, source: "policy" });
  }
  return out;
}

/** The range of the value a JSON pointer names (its key through the end of its line). */
export function rangeOfPointer(text: string, pointer: string): { from: number; to: number } | null {
  let offsets: Map<string, number>;
  try {
    offsets = scanJson(text).offsets;
  } catch {
    return null;
  }
  const from = offsets.get(pointer);
  if (from === undefined) return null;
  // The value ends where the next member after it starts: the first offset past it outside its subtree.
  let to = text.length;
  for (const [p, at] of offsets) if (at > from && at < to && !p.startsWith(`${pointer}/`) && p !== pointer) to = at;
  while (to > from + 1 && /\s/.test(text[to - 1])) to--;
  return { from, to: Math.max(from, to - 1) };
}

export function JsonEditor({
  text,
  errors,
  onChange,
  onUndo,
  onRedo,
  highlight,
  readOnly,
  label = "Policy JSON",
}: {
  text: string;
  errors: LocatedError[];
  onChange: (text: string) => void;
  onUndo: () => void;
  onRedo: () => void;
  highlight: string | null;
  readOnly?: boolean;
  label?: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const handlers = useRef({ onChange, onUndo, onRedo });
  handlers.current = { onChange, onUndo, onRedo };

  useEffect(() => {
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: text,
        extensions: [
          lineNumbers(),
          foldGutter(),
          lintGutter(),
          drawSelection(),
          highlightActiveLine(),
          bracketMatching(),
          syntaxHighlighting(defaultHighlightStyle),
          json(),
          highlightField,
          theme,
          EditorView.lineWrapping,
          EditorState.readOnly.of(!!readOnly),
          EditorView.contentAttributes.of({ "aria-label": label, "aria-multiline": "true" }),
          // One history for both sides: the builder's, not CodeMirror's.
          Prec.highest(
            keymap.of([
              { key: "Mod-z", run: () => (handlers.current.onUndo(), true) },
              { key: "Mod-Shift-z", run: () => (handlers.current.onRedo(), true) },
              { key: "Mod-y", run: () => (handlers.current.onRedo(), true) },
            ]),
          ),
          keymap.of([...defaultKeymap, indentWithTab]),
          EditorView.updateListener.of((u) => {
            if (u.docChanged && !u.transactions.some((t) => t.annotation(external))) handlers.current.onChange(u.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = v;
    return () => v.destroy();
    // The editor is created once; later props reach it through the effects below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Text from outside: replace only the part that differs, so the caret and scroll mostly stay.
  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const current = v.state.doc.toString();
    if (current === text) return;
    let start = 0;
    while (start < current.length && start < text.length && current[start] === text[start]) start++;
    let endA = current.length;
    let endB = text.length;
    while (endA > start && endB > start && current[endA - 1] === text[endB - 1]) endA--, endB--;
    v.dispatch({ changes: { from: start, to: endA, insert: text.slice(start, endB) }, annotations: external.of(true) });
  }, [text]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    v.dispatch(setDiagnostics(v.state, diagnosticsFor(v.state.doc.toString(), v.state, errors)));
  }, [errors, text]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const range = highlight ? rangeOfPointer(v.state.doc.toString(), highlight) : null;
    v.dispatch({ effects: [setHighlight.of(range), ...(range ? [EditorView.scrollIntoView(range.from, { y: "center" })] : [])] });
  }, [highlight, text]);

  return <div ref={host} className="h-full min-h-0 overflow-hidden" data-testid="json-editor" />;
}

/** Moves the caret of the editor inside `root` to a line and column and focuses it. */
export function focusEditorAt(root: HTMLElement | null, line: number, column: number) {
  const el = root?.querySelector(".cm-editor");
  const v = el ? EditorView.findFromDOM(el as HTMLElement) : null;
  if (!v) return;
  const l = v.state.doc.line(Math.min(Math.max(1, line), v.state.doc.lines));
  const at = Math.min(l.from + column - 1, l.to);
  v.dispatch({ selection: { anchor: at }, effects: EditorView.scrollIntoView(at, { y: "center" }) });
  v.focus();
}

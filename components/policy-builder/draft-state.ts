import { validatePolicyText } from "@/gateway/policy/validate";
import type { PolicyDocument } from "@/gateway/policy/schema";
import type { KnownTools } from "@/gateway/policy";
import { prettyPolicy, type LocatedError } from "@/components/servers/policy-json";
import { fromDocument, toDocument, type BuilderModel } from "./model";

/**
 * The draft being edited, as one text (what the JSON side shows) and the last document that text
 * held while valid (what the lanes draw). Both sides edit the text; undo and redo walk one history
 * of texts, so they undo a drag and a keystroke alike. Pure: unit-tested beside this file.
 */
export interface DraftState {
  text: string;
  /** The last valid document: an invalid text leaves the lanes as they were. */
  doc: PolicyDocument;
  errors: LocatedError[];
  past: string[];
  future: string[];
  /** When the last JSON keystroke was taken: keystrokes close together are one undo step. */
  typedAt: number;
  /**
   * The server's tools (their input schemas), once the inventory has loaded: `operations` names
   * are then checked against each tool's enum while typing, as publishing checks them.
   */
  tools?: KnownTools;
}

export type DraftAction =
  | { type: "type"; text: string; at: number }
  | { type: "model"; edit: (model: BuilderModel) => BuilderModel }
  | { type: "replace"; text: string }
  | { type: "load"; text: string }
  | { type: "undo" }
  | { type: "redo" }
  | { type: "tools"; tools: KnownTools };

const HISTORY_MAX = 200;
const TYPING_MERGE_MS = 800;

export const STARTER_DOCUMENT: PolicyDocument = { version: "1", default: "deny", tools: {} };

export function initialDraft(text: string, tools?: KnownTools): DraftState {
  return withText({ text: "", doc: STARTER_DOCUMENT, errors: [], past: [], future: [], typedAt: 0, tools }, text);
}

/** Sets the text, validating it (with the server's tools when known); the document follows only when the text is valid. */
function withText(state: DraftState, text: string): DraftState {
  const checked = validatePolicyText(text, { tools: state.tools });
  if (checked.ok) return { ...state, text, doc: checked.policy, errors: [] };
  return { ...state, text, errors: checked.errors.map((e) => ({ path: e.path, message: e.message, line: e.line, column: e.column })) };
}

function pushed(state: DraftState): string[] {
  const past = [...state.past, state.text];
  return past.length > HISTORY_MAX ? past.slice(past.length - HISTORY_MAX) : past;
}

export function draftReducer(state: DraftState, action: DraftAction): DraftState {
  switch (action.type) {
    case "type": {
      if (action.text === state.text) return state;
      const merge = action.at - state.typedAt < TYPING_MERGE_MS && state.past.length > 0;
      return withText({ ...state, past: merge ? state.past : pushed(state), future: [], typedAt: action.at }, action.text);
    }
    case "model": {
      const next = prettyPolicy(toDocument(action.edit(fromDocument(state.doc))));
      if (next === state.text) return state;
      return withText({ ...state, past: pushed(state), future: [], typedAt: 0 }, next);
    }
    case "replace":
      if (action.text === state.text) return state;
      return withText({ ...state, past: pushed(state), future: [], typedAt: 0 }, action.text);
    case "load":
      return initialDraft(action.text, state.tools);
    case "tools":
      return withText({ ...state, tools: action.tools }, state.text);
    case "undo": {
      if (state.past.length === 0) return state;
      const text = state.past[state.past.length - 1];
      return withText({ ...state, past: state.past.slice(0, -1), future: [state.text, ...state.future], typedAt: 0 }, text);
    }
    case "redo": {
      if (state.future.length === 0) return state;
      const [text, ...future] = state.future;
      return withText({ ...state, past: pushed(state), future, typedAt: 0 }, text);
    }
  }
}

export { prettyPolicy };

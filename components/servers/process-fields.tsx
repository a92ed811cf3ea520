"use client";

import { useId } from "react";
import { TextField } from "@/components/ui/field";
import { cn } from "@/components/ui/cn";
import { SecretRows, recordErrors, type HeaderRow } from "./header-rows";
import { splitWords } from "./shell-words";
import type { ProcessMode } from "./types";

// The fields of stdio servers: the command (command servers) and the process settings (command and
// connector servers). State is kept by the form as typed, so an error from the API loses nothing.

export interface ProcessSettings {
  processMode: ProcessMode;
  /** As typed: empty means the server's default. */
  idleTimeoutSeconds: string;
  maxProcesses: string;
}

export const DEFAULT_PROCESS_SETTINGS: ProcessSettings = { processMode: "session", idleTimeoutSeconds: "600", maxProcesses: "10" };

/** A typed number as the API takes it: omitted when empty, a number when it reads as one, otherwise as typed (the API says what is wrong). */
function numberOrText(v: string): number | string | undefined {
  const t = v.trim();
  if (!t) return undefined;
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : t;
}

export function processSettingsBody(p: ProcessSettings) {
  return { processMode: p.processMode, idleTimeoutSeconds: numberOrText(p.idleTimeoutSeconds), maxProcesses: numberOrText(p.maxProcesses) };
}

const MODES: { value: ProcessMode; title: string; help: string }[] = [
  { value: "session", title: "Per session", help: "Each agent session gets its own process: nothing is shared between sessions. The safe default." },
  { value: "shared", title: "Shared", help: "One process serves every session: for stateless servers that are slow to start." },
];

const NUMBER_FIELDS: { name: "idleTimeoutSeconds" | "maxProcesses"; label: string; hint: string }[] = [
  { name: "idleTimeoutSeconds", label: "Idle timeout (s)", hint: "A process with no message for this long is stopped." },
  { name: "maxProcesses", label: "Max processes", hint: "At once; beyond it the least recently used idle one is stopped, or the session refused when all are busy." },
];

export function ProcessFields({ value, onChange, fields }: { value: ProcessSettings; onChange: (v: ProcessSettings) => void; fields: Record<string, string> }) {
  const name = useId();
  const set = (patch: Partial<ProcessSettings>) => onChange({ ...value, ...patch });
  return (
    <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_minmax(0,22rem)]">
      <fieldset>
        <legend className="mb-1.5 block text-sm font-medium text-zinc-800">Processes</legend>
        <div className="space-y-2">
          {MODES.map((m) => (
            <label key={m.value} className={cn("flex cursor-pointer gap-3 rounded-md p-2.5 ring-1 ring-inset", value.processMode === m.value ? "bg-brand-50 ring-brand-500" : "ring-zinc-200 hover:bg-zinc-50")}>
              <input
                type="radio"
                name={name}
                value={m.value}
                checked={value.processMode === m.value}
                onChange={() => set({ processMode: m.value })}
                aria-describedby={`${name}-${m.value}`}
                className="mt-0.5 size-4 shrink-0 accent-brand-600"
              />
              <span>
                <span className="block text-sm font-medium text-zinc-900">{m.title}</span>
                <span id={`${name}-${m.value}`} className="block text-xs text-zinc-600">
                  {m.help}
                </span>
              </span>
            </label>
          ))}
        </div>
        {fields.processMode && <p className="mt-1.5 text-xs font-medium text-red-700">{fields.processMode}</p>}
      </fieldset>
      <div className="grid grid-cols-2 content-start gap-4">
        {NUMBER_FIELDS.map((f) => (
          <TextField
            key={f.name}
            label={f.label}
            name={f.name}
            type="number"
            min={1}
            inputMode="numeric"
            value={value[f.name]}
            onChange={(e) => set({ [f.name]: e.target.value })}
            error={fields[f.name]}
            hint={f.hint}
          />
        ))}
      </div>
    </div>
  );
}

export interface CommandSettings {
  command: string;
  /** The arguments as one shell-like line, split when sent. */
  argsLine: string;
  env: HeaderRow[];
  cwd: string;
}

export const EMPTY_COMMAND: CommandSettings = { command: "", argsLine: "", env: [], cwd: "" };

export function commandBody(c: CommandSettings) {
  const env: Record<string, string> = {};
  for (const r of c.env) if (r.name.trim() || r.value) env[r.name.trim()] = r.value;
  return { command: c.command.trim(), args: splitWords(c.argsLine).words, env, cwd: c.cwd.trim() || undefined };
}

/** The API's messages about the arguments: `args` or `args.<index>`. */
function argsError(fields: Record<string, string>): string | undefined {
  return recordErrors(fields, "args").join("; ") || undefined;
}

/** The environment rows' wording, for the add form and the edit form's replacement. */
export const ENV_ROWS = {
  legend: "Environment variables",
  hint: "Set for the process, e.g. an API token the server needs. Values are stored encrypted and never shown again.",
  noun: "variable",
  empty: "None.",
  placeholders: ["GITHUB_TOKEN", "value"] as [string, string],
};

export function CommandFields({
  value,
  onChange,
  fields,
  allowlist,
  envEditor,
}: {
  value: CommandSettings;
  onChange: (v: CommandSettings) => void;
  fields: Record<string, string>;
  allowlist: string[] | null;
  /** Replaces the environment rows (editing: stored values cannot be shown, only replaced). */
  envEditor?: React.ReactNode;
}) {
  const id = useId();
  const set = (patch: Partial<CommandSettings>) => onChange({ ...value, ...patch });
  const split = splitWords(value.argsLine);
  const apiArgsError = argsError(fields);
  return (
    <div className="space-y-5">
      <div className="grid gap-4 sm:grid-cols-[minmax(0,16rem)_1fr]">
        <div>
          <TextField
            label="Command"
            name="command"
            required
            value={value.command}
            onChange={(e) => set({ command: e.target.value })}
            placeholder="npx"
            error={fields.command}
            hint={allowlist ? `Allowed here: ${allowlist.join(", ")}.` : "The executable: a name on the PATH or an absolute path."}
            autoComplete="off"
            spellCheck={false}
            list={allowlist ? `${id}-allowed` : undefined}
          />
          {allowlist && (
            <datalist id={`${id}-allowed`}>
              {allowlist.map((c) => (
                <option key={c} value={c} />
              ))}
            </datalist>
          )}
        </div>
        <div className="min-w-0">
          <label htmlFor={`${id}-args`} className="mb-1.5 block text-sm font-medium text-zinc-800">
            Arguments
          </label>
          <input
            id={`${id}-args`}
            name="args"
            value={value.argsLine}
            onChange={(e) => set({ argsLine: e.target.value })}
            placeholder={`-y @modelcontextprotocol/server-filesystem "/srv/shared docs"`}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={!split.ok || apiArgsError ? true : undefined}
            aria-describedby={`${id}-args-split`}
            className={cn(
              "block w-full rounded-md border-0 bg-white px-3 py-2 font-mono text-sm text-zinc-900 ring-1 ring-zinc-300 ring-inset placeholder:text-zinc-400 focus:ring-2 focus:ring-brand-600 focus:outline-none focus:ring-inset",
              (!split.ok || apiArgsError) && "ring-red-400",
            )}
          />
          <div id={`${id}-args-split`} className="mt-1.5 text-xs">
            {!split.ok ? (
              <p className="font-medium text-red-700">{split.error}: close it, or escape it with a backslash.</p>
            ) : split.words.length === 0 ? (
              <p className="text-zinc-500">Typed as on a shell line; quotes keep spaces in one argument. No shell runs it: no variables or pipes.</p>
            ) : (
              <ArgsPreview words={split.words} />
            )}
            {apiArgsError && <p className="mt-1 font-medium text-red-700">{apiArgsError}</p>}
          </div>
        </div>
      </div>
      {envEditor ?? <SecretRows {...ENV_ROWS} rows={value.env} onChange={(env) => set({ env })} errors={recordErrors(fields, "env")} />}
      <TextField
        label="Working directory"
        name="cwd"
        value={value.cwd}
        onChange={(e) => set({ cwd: e.target.value })}
        placeholder="/srv/mcp/github"
        error={fields.cwd}
        hint="Optional: an absolute path on this Toolgate host."
        autoComplete="off"
        spellCheck={false}
        className="max-w-xl"
      />
    </div>
  );
}

/** How the arguments line is split: each argument in its own chip, numbered. */
function ArgsPreview({ words }: { words: string[] }) {
  return (
    <div className="flex flex-wrap items-center gap-1.5" data-testid="args-preview">
      <span className="text-zinc-500">{words.length === 1 ? "1 argument:" : `${words.length} arguments:`}</span>
      <ol className="contents">
        {words.map((w, i) => (
          <li key={i} className="max-w-full rounded bg-zinc-100 px-1.5 py-0.5 font-mono break-all text-zinc-800 ring-1 ring-zinc-200 ring-inset">
            {w === "" ? <span className="text-zinc-400 italic">empty</span> : w}
          </li>
        ))}
      </ol>
    </div>
  );
}

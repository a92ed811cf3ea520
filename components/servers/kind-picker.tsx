"use client";

import { useId } from "react";
import { cn } from "@/components/ui/cn";
import type { ServerKind, ServerKinds } from "./types";

const CHOICES: { kind: ServerKind; title: string; body: React.ReactNode }[] = [
  { kind: "url", title: "URL", body: "A remote MCP server over HTTP." },
  { kind: "command", title: "Command", body: "Run a local program over stdio on this Toolgate host (admins only)." },
  {
    kind: "connector",
    title: "Connector",
    body: (
      <>
        Run it on another machine with <code className="font-mono text-[0.8rem]">toolgate connect</code>.
      </>
    ),
  },
];

/** Why command servers are unavailable, and how an operator turns them on. */
export function commandOffNote(kinds: ServerKinds | undefined): string | null {
  if (!kinds || kinds.command.enabled) return null;
  return "Command servers are off on this Toolgate: an operator enables them by starting Toolgate with TOOLGATE_STDIO=on (or =allowlist with TOOLGATE_STDIO_ALLOWLIST).";
}

/** The three ways Toolgate reaches a server, as a radio group of cards (arrow keys move, as radios do). */
export function KindPicker({ value, onChange, kinds }: { value: ServerKind; onChange: (k: ServerKind) => void; kinds: ServerKinds | undefined }) {
  const name = useId();
  const off = commandOffNote(kinds);
  return (
    <fieldset>
      <legend className="mb-2 block text-sm font-medium text-zinc-800">How Toolgate reaches the server</legend>
      <div className="grid gap-2 sm:grid-cols-3">
        {CHOICES.map((c) => {
          const disabled = c.kind === "command" && off !== null;
          const checked = value === c.kind;
          return (
            <label
              key={c.kind}
              className={cn(
                "relative flex gap-3 rounded-lg p-3.5 ring-1 ring-inset transition-colors",
                checked ? "bg-brand-50 ring-2 ring-brand-500" : "bg-white ring-zinc-300",
                disabled ? "cursor-not-allowed bg-zinc-50 opacity-80" : !checked && "cursor-pointer hover:bg-zinc-50",
              )}
            >
              <input
                type="radio"
                name={name}
                value={c.kind}
                checked={checked}
                disabled={disabled}
                onChange={() => onChange(c.kind)}
                aria-describedby={`${name}-${c.kind}-body${disabled ? ` ${name}-off` : ""}`}
                className="mt-0.5 size-4 shrink-0 accent-brand-600"
              />
              <span className="min-w-0">
                <span className="block text-sm font-semibold text-zinc-900">{c.title}</span>
                <span id={`${name}-${c.kind}-body`} className="mt-0.5 block text-xs text-zinc-600">
                  {c.body}
                  {disabled && <span className="mt-1 block font-medium text-amber-800">Off on this Toolgate.</span>}
                </span>
              </span>
            </label>
          );
        })}
      </div>
      {off && (
        <p className="mt-2 text-xs text-zinc-600" id={`${name}-off`}>
          {off}
        </p>
      )}
    </fieldset>
  );
}

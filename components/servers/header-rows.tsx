"use client";

import { useId } from "react";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";

export interface HeaderRow {
  key: number;
  name: string;
  value: string;
}

let nextKey = 1;
export function newHeaderRow(name = "", value = ""): HeaderRow {
  return { key: nextKey++, name, value };
}

/** The rows as the API takes them; rows without a value are skipped (an empty header sends nothing useful). */
export function headersOf(rows: HeaderRow[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of rows) if (r.value) out[r.name.trim()] = r.value;
  return out;
}

/** The API's messages about one record field: `headers` itself, or `headers.<Name>` (the same for `env`). */
export function recordErrors(fields: Record<string, string>, field: string): string[] {
  return Object.entries(fields)
    .filter(([k]) => k === field || k.startsWith(`${field}.`))
    .map(([k, v]) => (k === field ? v : `${k.slice(field.length + 1)}: ${v}`));
}

export const headerErrors = (fields: Record<string, string>) => recordErrors(fields, "headers");

const INPUT =
  "block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-zinc-900 ring-1 ring-inset ring-zinc-300 placeholder:text-zinc-400 focus:ring-2 focus:ring-inset focus:ring-brand-600 focus:outline-none";

/**
 * Upstream authentication as header rows. Values are secrets: typed into password fields, sent
 * once, stored sealed, and never shown again (the API only ever returns the header names).
 */
export function HeaderRows({ rows, onChange, errors = [], legend = "Upstream authentication", hint }: { rows: HeaderRow[]; onChange: (rows: HeaderRow[]) => void; errors?: string[]; legend?: string; hint?: string }) {
  return (
    <SecretRows
      rows={rows}
      onChange={onChange}
      errors={errors}
      legend={legend}
      hint={hint ?? "Static headers Toolgate sends to the server, e.g. Authorization: Bearer … or X-API-Key. Values are stored encrypted and never shown again."}
      noun="header"
      empty="No headers: the server is called without credentials."
      placeholders={["Authorization", "Bearer …"]}
    />
  );
}

/** Name/value rows whose values are secrets (headers, environment variables). */
export function SecretRows({
  rows,
  onChange,
  errors = [],
  legend,
  hint,
  noun,
  empty,
  placeholders,
}: {
  rows: HeaderRow[];
  onChange: (rows: HeaderRow[]) => void;
  errors?: string[];
  legend: string;
  hint: string;
  /** "header", "variable": names the rows' labels and the add button. */
  noun: string;
  empty: string;
  placeholders: [string, string];
}) {
  const id = useId();
  const Noun = noun[0].toUpperCase() + noun.slice(1);
  const set = (key: number, patch: Partial<HeaderRow>) => onChange(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  return (
    <fieldset aria-describedby={`${id}-hint${errors.length ? ` ${id}-errors` : ""}`}>
      <legend className="mb-1 block text-sm font-medium text-zinc-800">{legend}</legend>
      <p id={`${id}-hint`} className="mb-2 text-xs text-zinc-500">
        {hint}
      </p>
      {rows.length === 0 && <p className="mb-2 text-sm text-zinc-500">{empty}</p>}
      <ul className="space-y-2">
        {rows.map((r, i) => (
          <li key={r.key} className="grid grid-cols-[1fr_auto] gap-2 sm:grid-cols-[minmax(0,14rem)_1fr_auto]">
            <div className="col-span-2 sm:col-span-1">
              <label htmlFor={`${id}-n-${r.key}`} className="sr-only">
                {Noun} {i + 1} name
              </label>
              <input
                id={`${id}-n-${r.key}`}
                value={r.name}
                onChange={(e) => set(r.key, { name: e.target.value })}
                placeholder={placeholders[0]}
                autoComplete="off"
                spellCheck={false}
                className={cn(INPUT, "font-mono")}
              />
            </div>
            <div>
              <label htmlFor={`${id}-v-${r.key}`} className="sr-only">
                {Noun} {i + 1} value
              </label>
              <input
                id={`${id}-v-${r.key}`}
                type="password"
                value={r.value}
                onChange={(e) => set(r.key, { value: e.target.value })}
                placeholder={placeholders[1]}
                autoComplete="new-password"
                spellCheck={false}
                className={cn(INPUT, "font-mono")}
              />
            </div>
            <Button type="button" variant="ghost" className="px-2.5" onClick={() => onChange(rows.filter((x) => x.key !== r.key))} aria-label={`Remove ${noun} ${i + 1}${r.name ? ` (${r.name})` : ""}`}>
              <svg viewBox="0 0 20 20" className="size-4" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden>
                <path d="M5 5l10 10M15 5 5 15" strokeLinecap="round" />
              </svg>
            </Button>
          </li>
        ))}
      </ul>
      <Button type="button" variant="secondary" className="mt-2 py-1.5" onClick={() => onChange([...rows, newHeaderRow()])}>
        Add {noun}
      </Button>
      {errors.length > 0 && (
        <ul id={`${id}-errors`} className="mt-1.5 space-y-0.5 text-xs font-medium text-red-700">
          {errors.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}

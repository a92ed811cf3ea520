"use client";

import { useState } from "react";

/** A read-only value with a copy button, for secrets shown once and links to share. */
export function CopyField({ label, value }: { label: string; value: string }) {
  const [copied, setCopied] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      setCopied(false);
    }
  }
  return (
    <div>
      <span className="mb-1.5 block text-sm font-medium text-zinc-800">{label}</span>
      <div className="flex gap-2">
        <input
          readOnly
          value={value}
          aria-label={label}
          onFocus={(e) => e.currentTarget.select()}
          className="block w-full rounded-md border-0 bg-zinc-50 px-3 py-2 font-mono text-sm text-zinc-900 ring-1 ring-inset ring-zinc-300"
        />
        <button type="button" onClick={copy} className="shrink-0 rounded-md bg-white px-3 py-2 text-sm font-medium ring-1 ring-inset ring-zinc-300 hover:bg-zinc-50">
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
    </div>
  );
}

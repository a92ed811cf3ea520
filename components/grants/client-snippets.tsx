"use client";

import { useId, useMemo, useRef, useState } from "react";
import { clientSnippets, type Snippet } from "@/lib/grants/snippets";
import { cn } from "@/components/ui/cn";
import { CopyButton } from "./copy-button";

/**
 * Ready-to-paste client configurations for one grant, one tab per client (WAI-ARIA tabs:
 * arrow keys move between tabs, Home/End jump), each with where to paste it and a copy button.
 */
export function ClientSnippets({ url, token, name }: { url: string; token: string; name: string }) {
  const snippets = useMemo(() => clientSnippets(url, token, name), [url, token, name]);
  const [active, setActive] = useState<Snippet["id"]>("claude-code");
  const tabs = useRef<(HTMLButtonElement | null)[]>([]);
  const base = useId();
  const current = snippets.find((s) => s.id === active) ?? snippets[0];

  function onKeyDown(e: React.KeyboardEvent, index: number) {
    const last = snippets.length - 1;
    const next = e.key === "ArrowRight" ? (index === last ? 0 : index + 1) : e.key === "ArrowLeft" ? (index === 0 ? last : index - 1) : e.key === "Home" ? 0 : e.key === "End" ? last : -1;
    if (next < 0) return;
    e.preventDefault();
    setActive(snippets[next].id);
    tabs.current[next]?.focus();
  }

  return (
    <div className="overflow-hidden rounded-lg ring-1 ring-zinc-200">
      <div role="tablist" aria-label="Client" className="flex overflow-x-auto border-b border-zinc-200 bg-zinc-50">
        {snippets.map((s, i) => (
          <button
            key={s.id}
            ref={(el) => void (tabs.current[i] = el)}
            type="button"
            role="tab"
            id={`${base}-tab-${s.id}`}
            aria-selected={s.id === current.id}
            aria-controls={`${base}-panel`}
            tabIndex={s.id === current.id ? 0 : -1}
            onClick={() => setActive(s.id)}
            onKeyDown={(e) => onKeyDown(e, i)}
            className={cn(
              "-mb-px shrink-0 border-b-2 px-3.5 py-2.5 text-sm font-medium whitespace-nowrap",
              s.id === current.id ? "border-brand-600 bg-white text-brand-700" : "border-transparent text-zinc-600 hover:text-zinc-900",
            )}
          >
            {s.title}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${base}-panel`} aria-labelledby={`${base}-tab-${current.id}`} className="bg-white p-4" data-testid={`snippet-${current.id}`}>
        <div className="mb-2.5 flex flex-wrap items-center justify-between gap-2">
          <p className="text-sm text-zinc-600">
            <span className="font-medium text-zinc-800">Where: </span>
            {current.where}
          </p>
          <CopyButton value={current.code} ariaLabel={`Copy the ${current.title} snippet`} />
        </div>
        <pre
          className="max-h-80 overflow-auto rounded-md bg-zinc-900 p-3.5 text-xs leading-relaxed whitespace-pre-wrap text-zinc-100 wrap-anywhere"
          tabIndex={0}
          aria-label={`${current.title} snippet`}
        >
          <code>{current.code}</code>
        </pre>
      </div>
    </div>
  );
}

"use client";

import { useEffect, useRef, useState } from "react";
import { cn } from "@/components/ui/cn";

/** Copies `value` to the clipboard (with a fallback for browsers that refuse the async API). */
export async function copyText(value: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(value);
    return true;
  } catch {
    const area = document.createElement("textarea");
    area.value = value;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    try {
      return document.execCommand("copy");
    } catch {
      return false;
    } finally {
      area.remove();
    }
  }
}

/** A small "Copy" button that says "Copied" for two seconds, announced to screen readers. */
export function CopyButton({ value, label = "Copy", ariaLabel, className }: { value: string; label?: string; ariaLabel?: string; className?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  return (
    <>
      <button
        type="button"
        aria-label={ariaLabel}
        onClick={async () => {
          setState((await copyText(value)) ? "copied" : "failed");
          clearTimeout(timer.current);
          timer.current = setTimeout(() => setState("idle"), 2000);
        }}
        className={cn(
          "inline-flex shrink-0 items-center gap-1.5 rounded-md bg-white px-3 py-1.5 text-sm font-medium text-zinc-800 ring-1 ring-inset ring-zinc-300 hover:bg-zinc-50",
          className,
        )}
      >
        <svg viewBox="0 0 20 20" fill="none" stroke="currentColor" strokeWidth="1.6" className="size-4 text-zinc-500" aria-hidden>
          {state === "copied" ? (
            <path d="m5 10.5 3 3 7-7" strokeLinecap="round" strokeLinejoin="round" />
          ) : (
            <path
              d="M7 7V4.5A1.5 1.5 0 0 1 8.5 3h7A1.5 1.5 0 0 1 17 4.5v7a1.5 1.5 0 0 1-1.5 1.5H13M4.5 7h7A1.5 1.5 0 0 1 13 8.5v7a1.5 1.5 0 0 1-1.5 1.5h-7A1.5 1.5 0 0 1 3 15.5v-7A1.5 1.5 0 0 1 4.5 7Z"
              strokeLinejoin="round"
            />
          )}
        </svg>
        {state === "copied" ? "Copied" : state === "failed" ? "Select and press Ctrl+C" : label}
      </button>
      <span className="sr-only" aria-live="polite">
        {state === "copied" ? "Copied to the clipboard" : state === "failed" ? "Copying failed: select the text and press Ctrl+C" : ""}
      </span>
    </>
  );
}

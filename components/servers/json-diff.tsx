import { cn } from "@/components/ui/cn";
import { lineDiff } from "./line-diff";

/** Previous vs current definition, as a unified line diff of their pretty JSON. */
export function JsonDiff({ before, after, label }: { before: string; after: string; label: string }) {
  const lines = lineDiff(before, after);
  const added = lines.filter((l) => l.op === "add").length;
  const removed = lines.filter((l) => l.op === "del").length;
  return (
    <figure>
      <figcaption className="mb-1.5 text-xs text-zinc-600">
        <span className="font-medium text-emerald-700">+{added}</span> <span className="font-medium text-red-700">−{removed}</span> lines (previous → current)
      </figcaption>
      <pre className="max-h-96 overflow-auto rounded-md bg-zinc-950 py-2 text-xs leading-5 text-zinc-200" aria-label={label} tabIndex={0}>
        {lines.map((l, i) => (
          <div key={i} className={cn("px-3 whitespace-pre", l.op === "add" && "bg-emerald-900/60 text-emerald-100", l.op === "del" && "bg-red-900/60 text-red-100")}>
            <span className="mr-2 inline-block w-3 select-none text-zinc-500" aria-hidden>
              {l.op === "add" ? "+" : l.op === "del" ? "−" : " "}
            </span>
            <span className="sr-only">{l.op === "add" ? "added: " : l.op === "del" ? "removed: " : ""}</span>
            {l.text}
          </div>
        ))}
      </pre>
    </figure>
  );
}

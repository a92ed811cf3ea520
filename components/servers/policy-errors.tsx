import type { LocatedError } from "./policy-json";

/** Validation errors of a policy, each at its JSON pointer (and line, when known). */
export function PolicyErrors({ errors, id, onSelect, outcome = "nothing was published, the current version stays live" }: { errors: LocatedError[]; id?: string; onSelect?: (e: LocatedError) => void; outcome?: string }) {
  return (
    <div id={id} role="alert" className="rounded-md bg-red-50 px-3.5 py-2.5 text-sm text-red-800 ring-1 ring-red-200 ring-inset" data-testid="policy-errors">
      <p className="font-medium">
        {errors.length === 1 ? "1 problem" : `${errors.length} problems`}: {outcome}.
      </p>
      <ul className="mt-1.5 space-y-1">
        {errors.map((e, i) => (
          <li key={i} className="flex flex-wrap items-baseline gap-x-2 text-xs">
            {onSelect && e.line !== undefined ? (
              <button type="button" onClick={() => onSelect(e)} className="font-mono font-semibold text-red-900 underline decoration-red-300 underline-offset-2 hover:decoration-red-700">
                {e.path || "/"}
              </button>
            ) : (
              <code className="font-mono font-semibold text-red-900">{e.path || "/"}</code>
            )}
            {e.line !== undefined && (
              <span className="text-red-700">
                line {e.line}, col {e.column}
              </span>
            )}
            <span className="basis-full sm:basis-auto">{e.message}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

import { pretty } from "./format";

interface Prop {
  name: string;
  type: string;
  required: boolean;
  description: string;
  default?: string;
}

function typeOf(schema: Record<string, unknown>): string {
  if (Array.isArray(schema.enum)) return `enum: ${schema.enum.map((v) => JSON.stringify(v)).join(" | ")}`;
  if ("const" in schema) return `const ${JSON.stringify(schema.const)}`;
  const t = schema.type;
  if (t === "array") {
    const items = schema.items as Record<string, unknown> | undefined;
    return items && typeof items === "object" ? `array of ${typeOf(items)}` : "array";
  }
  if (Array.isArray(t)) return t.join(" | ");
  if (typeof t === "string") return t + (typeof schema.format === "string" ? ` (${schema.format})` : "");
  for (const k of ["anyOf", "oneOf"] as const) {
    const alts = schema[k];
    if (Array.isArray(alts)) return alts.map((a) => (a && typeof a === "object" ? typeOf(a as Record<string, unknown>) : "?")).join(" | ");
  }
  if (schema.properties) return "object";
  return "any";
}

export function schemaProperties(schema: unknown): Prop[] {
  if (!schema || typeof schema !== "object") return [];
  const s = schema as { properties?: Record<string, unknown>; required?: unknown };
  const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
  return Object.entries(s.properties ?? {}).map(([name, raw]) => {
    const p = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
    const description = typeof p.description === "string" ? p.description : "";
    return { name, type: typeOf(p), required: required.has(name), description, ...("default" in p ? { default: JSON.stringify(p.default) } : {}) };
  });
}

/** A tool's input schema, collapsed: a table of its properties, and the raw JSON. */
export function SchemaView({ schema, toolName }: { schema: unknown; toolName: string }) {
  const props = schemaProperties(schema);
  return (
    <details className="group rounded-md ring-1 ring-zinc-200 ring-inset" data-testid="input-schema">
      <summary className="flex cursor-pointer list-none items-center gap-2 rounded-md px-3 py-2 text-sm font-medium text-zinc-800 select-none hover:bg-zinc-50 [&::-webkit-details-marker]:hidden">
        <svg viewBox="0 0 20 20" className="size-4 shrink-0 text-zinc-500 transition-transform group-open:rotate-90" fill="currentColor" aria-hidden>
          <path d="M7.2 4.2a1 1 0 0 1 1.4 0l5 5a1 1 0 0 1 0 1.4l-5 5a1 1 0 1 1-1.4-1.4L11.5 10 7.2 5.6a1 1 0 0 1 0-1.4Z" />
        </svg>
        Input schema
        <span className="font-normal text-zinc-500">
          ({props.length === 0 ? "no arguments" : `${props.length} ${props.length === 1 ? "argument" : "arguments"}`})
        </span>
      </summary>
      <div className="space-y-3 border-t border-zinc-200 p-3">
        {props.length > 0 ? (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm" aria-label={`Arguments of ${toolName}`}>
              <thead className="text-xs text-zinc-500">
                <tr>
                  <th scope="col" className="py-1.5 pr-3 font-medium">
                    Name
                  </th>
                  <th scope="col" className="py-1.5 pr-3 font-medium">
                    Type
                  </th>
                  <th scope="col" className="py-1.5 pr-3 font-medium">
                    Required
                  </th>
                  <th scope="col" className="py-1.5 font-medium">
                    Description
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100 align-top">
                {props.map((p) => (
                  <tr key={p.name}>
                    <td className="py-1.5 pr-3 font-mono text-xs font-medium whitespace-nowrap text-zinc-900">{p.name}</td>
                    <td className="py-1.5 pr-3 font-mono text-xs text-zinc-700">{p.type}</td>
                    <td className="py-1.5 pr-3 text-xs">{p.required ? <span className="font-medium text-zinc-900">required</span> : <span className="text-zinc-500">optional</span>}</td>
                    <td className="py-1.5 text-xs break-words text-zinc-600">
                      {p.description || (p.default === undefined ? "—" : "")}
                      {p.default !== undefined && (
                        <span className="block text-zinc-500">
                          default <code className="font-mono">{p.default}</code>
                        </span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="text-sm text-zinc-500">This tool takes no arguments.</p>
        )}
        <details>
          <summary className="cursor-pointer text-xs font-medium text-zinc-600 hover:text-zinc-900">Raw JSON schema</summary>
          <pre className="mt-2 max-h-80 overflow-auto rounded-md bg-zinc-50 p-3 font-mono text-xs text-zinc-800 ring-1 ring-zinc-200 ring-inset" tabIndex={0}>
            {pretty(schema ?? {})}
          </pre>
        </details>
      </div>
    </details>
  );
}

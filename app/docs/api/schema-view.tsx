import { Fragment } from "react";
import { cn } from "@/components/ui/cn";
import { COMPONENT_PREFIX, type JsonSchema } from "@/lib/openapi/document";

// Server-rendered views of JSON Schema (2020-12, as the OpenAPI document holds it): a type label,
// constraints, and a table of properties with nested objects indented. Named schemas are links to
// their own section rather than expanded, so that recursion and big schemas stay readable.

/** Text with `code spans`, as the document's descriptions write them. */
export function Prose({ text, className }: { text: string | undefined; className?: string }) {
  if (!text) return null;
  const parts = text.split(/(`[^`]+`)/g);
  return (
    <span className={className}>
      {parts.map((part, i) =>
        part.startsWith("`") && part.endsWith("`") && part.length > 2 ? (
          <code key={i} className="rounded bg-zinc-100 px-1 py-0.5 font-mono text-[0.85em] text-zinc-800">
            {part.slice(1, -1)}
          </code>
        ) : (
          <Fragment key={i}>{part}</Fragment>
        ),
      )}
    </span>
  );
}

export const schemaAnchor = (name: string) => `schema-${name}`;
const refName = (ref: string) => (ref.startsWith(COMPONENT_PREFIX) ? ref.slice(COMPONENT_PREFIX.length) : ref);

function RefLink({ target }: { target: string }) {
  const name = refName(target);
  return (
    <a href={`#${schemaAnchor(name)}`} className="font-mono text-brand-700 underline decoration-brand-200 underline-offset-2 hover:decoration-brand-600">
      {name}
    </a>
  );
}

function literal(value: unknown): string {
  return typeof value === "string" ? `"${value}"` : JSON.stringify(value);
}

/** `string`, `integer | null`, `array of Tool`, `map of string`, `"1"`… */
export function TypeLabel({ schema }: { schema: JsonSchema }) {
  if (typeof schema.$ref === "string") return <RefLink target={schema.$ref} />;
  const union = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (union) {
    return (
      <>
        {union.map((s, i) => (
          <Fragment key={i}>
            {i > 0 && <span className="text-zinc-400"> | </span>}
            <TypeLabel schema={s} />
          </Fragment>
        ))}
      </>
    );
  }
  if ("const" in schema) return <span className="font-mono">{literal(schema.const)}</span>;
  if (Array.isArray(schema.enum)) return <span className="font-mono">{(schema.enum as unknown[]).map(literal).join(" | ")}</span>;
  const type = schema.type;
  if (Array.isArray(type)) return <span className="font-mono">{type.join(" | ")}</span>;
  if (type === "array") {
    const items = (schema.items ?? {}) as JsonSchema;
    return (
      <>
        <span className="font-mono">array of </span>
        <TypeLabel schema={items} />
      </>
    );
  }
  if (type === "object" && !schema.properties && schema.additionalProperties && typeof schema.additionalProperties === "object") {
    return (
      <>
        <span className="font-mono">map of </span>
        <TypeLabel schema={schema.additionalProperties as JsonSchema} />
      </>
    );
  }
  if (typeof type === "string") return <span className="font-mono">{type}{typeof schema.format === "string" ? ` (${schema.format})` : ""}</span>;
  return <span className="font-mono text-zinc-500">any JSON</span>;
}

/** minLength 1, max 100, default 50, … */
export function constraints(schema: JsonSchema): string[] {
  const out: string[] = [];
  const pairs: [string, string][] = [
    ["minLength", "min length"],
    ["maxLength", "max length"],
    ["minimum", "min"],
    ["maximum", "max"],
    ["minItems", "min items"],
    ["maxItems", "max items"],
  ];
  for (const [key, label] of pairs) if (typeof schema[key] === "number") out.push(`${label} ${schema[key]}`);
  if (schema.default !== undefined) out.push(`default ${literal(schema.default)}`);
  if (typeof schema.pattern === "string") out.push(`pattern ${schema.pattern}`);
  if (schema.additionalProperties === false && schema.properties) out.push("no other fields");
  return out;
}

/** The object schema to expand under a row: the object itself, an array's items, or a union's object member. */
function expandable(schema: JsonSchema): JsonSchema | null {
  if (schema.type === "object" && schema.properties) return schema;
  if (schema.type === "array" && schema.items && typeof schema.items === "object") return expandable(schema.items as JsonSchema);
  const union = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (union) {
    const objects = union.map(expandable).filter((s): s is JsonSchema => s !== null);
    if (objects.length === 1) return objects[0];
  }
  if (schema.type === "object" && schema.additionalProperties && typeof schema.additionalProperties === "object") {
    return expandable(schema.additionalProperties as JsonSchema);
  }
  return null;
}

function Rows({ schema, depth }: { schema: JsonSchema; depth: number }) {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  return (
    <>
      {Object.entries(properties).map(([name, prop]) => {
        const nested = depth < 5 ? expandable(prop) : null;
        const notes = constraints(prop);
        return (
          <Fragment key={name}>
            <tr className="border-t border-zinc-100 align-top">
              <td className="py-2 pr-4" style={{ paddingLeft: `${depth * 1.25}rem` }}>
                <span className="font-mono text-[13px] font-medium text-zinc-900">
                  {depth > 0 && <span className="text-zinc-300">└ </span>}
                  {name}
                </span>
                {required.has(name) && <span className="ml-1.5 text-[11px] font-medium uppercase tracking-wide text-red-600">required</span>}
              </td>
              <td className="py-2 pr-4 text-[13px] text-zinc-700">
                <TypeLabel schema={prop} />
              </td>
              <td className="py-2 text-[13px] text-zinc-600">
                <Prose text={prop.description as string | undefined} />
                {notes.length > 0 && <span className="block text-xs text-zinc-400">{notes.join(" · ")}</span>}
              </td>
            </tr>
            {nested && <Rows schema={nested} depth={depth + 1} />}
          </Fragment>
        );
      })}
    </>
  );
}

/** A schema as a table of fields; a schema without properties as its type line. */
export function SchemaTable({ schema, components, className }: { schema: JsonSchema; components: Record<string, JsonSchema>; className?: string }) {
  const resolved = typeof schema.$ref === "string" ? components[refName(schema.$ref)] ?? schema : schema;
  const body = expandable(resolved);
  if (!body) {
    const notes = constraints(resolved);
    return (
      <p className={cn("text-sm text-zinc-700", className)}>
        <TypeLabel schema={resolved} />
        {resolved.description ? (
          <>
            {" — "}
            <Prose text={resolved.description as string} />
          </>
        ) : null}
        {notes.length > 0 && <span className="text-xs text-zinc-400"> ({notes.join(" · ")})</span>}
      </p>
    );
  }
  return (
    <div className={cn("overflow-x-auto", className)}>
      {resolved !== body && (
        <p className="mb-1 text-[13px] text-zinc-600">
          <TypeLabel schema={resolved} />
        </p>
      )}
      <table className="w-full min-w-[36rem] text-left">
        <thead>
          <tr className="text-[11px] uppercase tracking-wide text-zinc-400">
            <th className="w-1/4 pb-1 font-medium">Field</th>
            <th className="w-1/4 pb-1 font-medium">Type</th>
            <th className="pb-1 font-medium">Description</th>
          </tr>
        </thead>
        <tbody>
          <Rows schema={body} depth={0} />
        </tbody>
      </table>
    </div>
  );
}

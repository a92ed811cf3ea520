import type { Metadata } from "next";
import Link from "next/link";
import { Logo } from "@/components/shell/logo";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { openApiDocument, type JsonSchema, type OpenApiOperation } from "@/lib/openapi/document";
import { Prose, SchemaTable, schemaAnchor, TypeLabel, constraints } from "./schema-view";

// /docs/api: the OpenAPI document rendered on the server, with no script from anywhere else.
// Everything on it comes from lib/openapi, the same source as /api/v1/openapi.json.

export const metadata: Metadata = { title: "API reference", description: "The Toolgate management API (/api/v1): endpoints, parameters, schemas and errors." };

const METHOD_TONES: Record<string, string> = {
  get: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  post: "bg-brand-50 text-brand-700 ring-brand-100",
  put: "bg-amber-50 text-amber-800 ring-amber-200",
  patch: "bg-amber-50 text-amber-800 ring-amber-200",
  delete: "bg-red-50 text-red-700 ring-red-200",
};

function Method({ method, small }: { method: string; small?: boolean }) {
  return (
    <span
      className={cn(
        "inline-flex shrink-0 justify-center rounded px-1.5 py-0.5 font-mono font-semibold uppercase ring-1 ring-inset",
        small ? "w-12 text-[10px]" : "w-14 text-[11px]",
        METHOD_TONES[method],
      )}
    >
      {method}
    </span>
  );
}

interface Entry {
  method: string;
  path: string;
  op: OpenApiOperation;
}

const anchor = (op: OpenApiOperation) => `op-${op.operationId}`;

function statusTone(status: string): "green" | "amber" | "red" | "neutral" {
  if (status.startsWith("2")) return "green";
  if (status.startsWith("4")) return "amber";
  if (status.startsWith("5")) return "red";
  return "neutral";
}

function SectionTitle({ children }: { children: React.ReactNode }) {
  return <h4 className="mb-2 mt-5 text-xs font-semibold uppercase tracking-wide text-zinc-500">{children}</h4>;
}

function Operation({ entry, components }: { entry: Entry; components: Record<string, JsonSchema> }) {
  const { method, path, op } = entry;
  const body = op.requestBody?.content["application/json"];
  const [intro, ...rest] = (op.description ?? "").split("\n\n");
  const authLine = rest.length ? rest[rest.length - 1] : intro;
  const description = rest.length ? [intro, ...rest.slice(0, -1)].join("\n\n") : "";
  return (
    <Card id={anchor(op)} className="scroll-mt-6 p-5">
      <div className="flex flex-wrap items-center gap-3">
        <Method method={method} />
        <code className="break-all font-mono text-sm font-semibold text-zinc-900">{path}</code>
      </div>
      <h3 className="mt-3 text-base font-semibold text-zinc-900">{op.summary}</h3>
      {description && (
        <p className="mt-1 text-sm leading-6 text-zinc-600">
          <Prose text={description} />
        </p>
      )}
      <p className="mt-2 flex flex-wrap items-center gap-2 text-xs text-zinc-500">
        {op.security.length === 0 ? <Badge tone="green">public</Badge> : <Badge tone="brand">{op.security.map((s) => Object.keys(s)[0]).join(" or ")}</Badge>}
        <Prose text={authLine} />
      </p>

      {op.parameters && op.parameters.length > 0 && (
        <>
          <SectionTitle>Parameters</SectionTitle>
          <div className="overflow-x-auto">
            <table className="w-full min-w-[36rem] text-left">
              <tbody>
                {op.parameters.map((p) => {
                  const notes = constraints(p.schema);
                  return (
                    <tr key={`${p.in}-${p.name}`} className="border-t border-zinc-100 align-top first:border-t-0">
                      <td className="w-1/4 py-2 pr-4">
                        <span className="font-mono text-[13px] font-medium text-zinc-900">{p.name}</span>
                        {p.required && <span className="ml-1.5 text-[11px] font-medium uppercase tracking-wide text-red-600">required</span>}
                        <span className="block text-xs text-zinc-400">{p.in}</span>
                      </td>
                      <td className="w-1/4 py-2 pr-4 text-[13px] text-zinc-700">
                        <TypeLabel schema={p.schema} />
                      </td>
                      <td className="py-2 text-[13px] text-zinc-600">
                        <Prose text={p.description} />
                        {notes.length > 0 && <span className="block text-xs text-zinc-400">{notes.join(" · ")}</span>}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      )}

      {body && (
        <>
          <SectionTitle>
            Request body <span className="font-normal normal-case text-zinc-400">application/json</span>
          </SectionTitle>
          <SchemaTable schema={body.schema} components={components} />
          {body.example !== undefined && (
            <pre className="mt-3 overflow-x-auto rounded-md bg-zinc-900 p-3 font-mono text-xs leading-5 text-zinc-100">{JSON.stringify(body.example, null, 2)}</pre>
          )}
        </>
      )}

      <SectionTitle>Responses</SectionTitle>
      <div className="space-y-3">
        {Object.entries(op.responses).map(([status, response]) => {
          const json = response.content?.["application/json"];
          const others = Object.entries(response.content ?? {}).filter(([type]) => type !== "application/json");
          const isError = !status.startsWith("2");
          return (
            <div key={status} className={cn("rounded-md", !isError && "ring-1 ring-zinc-100 p-3")}>
              <div className="flex flex-wrap items-baseline gap-2 text-sm">
                <Badge tone={statusTone(status)}>{status}</Badge>
                <span className="text-zinc-700">
                  <Prose text={response.description} />
                </span>
              </div>
              {!isError && json && <SchemaTable schema={json.schema} components={components} className="mt-2" />}
              {others.map(([type, c]) => (
                <p key={type} className="mt-2 text-[13px] text-zinc-600">
                  <code className="font-mono">{type}</code>: <Prose text={c.schema.description as string | undefined} />
                </p>
              ))}
              {response.headers &&
                Object.entries(response.headers).map(([name, h]) => (
                  <p key={name} className="mt-1 text-[13px] text-zinc-600">
                    header <code className="font-mono">{name}</code>: <Prose text={(h as { description?: string }).description} />
                  </p>
                ))}
            </div>
          );
        })}
      </div>
      <p className="mt-3 text-xs text-zinc-400">
        Errors answer with <a href={`#${schemaAnchor("Error")}`} className="text-brand-700 underline underline-offset-2">Error</a>. Operation id{" "}
        <code className="font-mono">{op.operationId}</code>
      </p>
    </Card>
  );
}

export default function ApiDocsPage() {
  const doc = openApiDocument();
  const components = doc.components.schemas;
  const byTag = new Map<string, Entry[]>(doc.tags.map((t) => [t.name, []]));
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) byTag.get(op.tags[0])?.push({ method, path, op });
  }
  const schemaNames = Object.keys(components).sort((a, b) => a.localeCompare(b));
  return (
    <div className="min-h-screen bg-zinc-50">
      <header className="border-b border-zinc-200 bg-white">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center justify-between gap-3 px-6 py-4">
          <div className="flex items-center gap-4">
            <Logo />
            <span className="text-sm text-zinc-400">/</span>
            <span className="text-sm font-medium text-zinc-700">API reference</span>
          </div>
          <nav className="flex items-center gap-4 text-sm">
            <a href="/api/v1/openapi.json" className="font-medium text-brand-700 hover:underline">
              openapi.json
            </a>
            <Link href="/dashboard" className="text-zinc-600 hover:text-zinc-900">
              Dashboard
            </Link>
          </nav>
        </div>
      </header>
      <div className="mx-auto flex max-w-7xl gap-8 px-6 py-8">
        <aside className="sticky top-6 hidden max-h-[calc(100vh-3rem)] w-64 shrink-0 overflow-y-auto lg:block" aria-label="Endpoints">
          <a href="#overview" className="block text-sm font-semibold text-zinc-900">
            Overview
          </a>
          {[...byTag].map(([tag, entries]) => (
            <div key={tag} className="mt-5">
              <a href={`#tag-${tag}`} className="text-xs font-semibold uppercase tracking-wide text-zinc-500 hover:text-zinc-900">
                {tag}
              </a>
              <ul className="mt-2 space-y-1">
                {entries.map((e) => (
                  <li key={e.op.operationId}>
                    <a href={`#${anchor(e.op)}`} className="flex items-center gap-2 rounded px-1 py-0.5 text-[13px] text-zinc-700 hover:bg-zinc-100">
                      <Method method={e.method} small />
                      <span className="truncate">{e.op.summary}</span>
                    </a>
                  </li>
                ))}
              </ul>
            </div>
          ))}
          <a href="#schemas" className="mt-5 block text-xs font-semibold uppercase tracking-wide text-zinc-500 hover:text-zinc-900">
            Schemas
          </a>
        </aside>

        <main className="min-w-0 flex-1">
          <section id="overview" className="scroll-mt-6">
            <h1 className="text-3xl font-semibold tracking-tight text-zinc-900">{String(doc.info.title)}</h1>
            <p className="mt-2 max-w-3xl text-sm leading-6 text-zinc-600">
              <Prose text={String(doc.info.description)} />
            </p>
            <div className="mt-6 grid gap-4 md:grid-cols-3">
              <Card className="p-4">
                <h2 className="text-sm font-semibold text-zinc-900">Authentication</h2>
                <p className="mt-1 text-sm text-zinc-600">
                  Create a key in Settings → API keys and send it as <code className="font-mono text-xs">Authorization: Bearer tgk_…</code>. A key acts with the role it was given.
                </p>
              </Card>
              <Card className="p-4">
                <h2 className="text-sm font-semibold text-zinc-900">Pagination</h2>
                <p className="mt-1 text-sm text-zinc-600">
                  Paged lists answer <code className="font-mono text-xs">{"{items, nextCursor}"}</code>. Pass <code className="font-mono text-xs">cursor=nextCursor</code> until it is null; <code className="font-mono text-xs">limit</code> is 1–500.
                </p>
              </Card>
              <Card className="p-4">
                <h2 className="text-sm font-semibold text-zinc-900">Errors</h2>
                <p className="mt-1 text-sm text-zinc-600">
                  Always <code className="font-mono text-xs">{"{error:{code,message,details?}}"}</code>; invalid fields are listed in <code className="font-mono text-xs">details.fields</code>, invalid policies in{" "}
                  <code className="font-mono text-xs">details.errors</code>.
                </p>
              </Card>
            </div>
            <pre className="mt-4 overflow-x-auto rounded-md bg-zinc-900 p-4 font-mono text-xs leading-5 text-zinc-100">
              {`curl -H "Authorization: Bearer $TOOLGATE_API_KEY" https://toolgate.example.com/api/v1/servers\n\nnpx toolgate login --url https://toolgate.example.com --key tgk_…\nnpx toolgate policy pull srv_… -o policy.json`}
            </pre>
          </section>

          {[...byTag].map(([tag, entries]) => (
            <section key={tag} id={`tag-${tag}`} className="mt-12 scroll-mt-6">
              <h2 className="text-xl font-semibold text-zinc-900">{tag}</h2>
              <p className="mt-1 text-sm text-zinc-600">{doc.tags.find((t) => t.name === tag)?.description}</p>
              <div className="mt-4 space-y-5">
                {entries.map((e) => (
                  <Operation key={e.op.operationId} entry={e} components={components} />
                ))}
              </div>
            </section>
          ))}

          <section id="schemas" className="mt-12 scroll-mt-6">
            <h2 className="text-xl font-semibold text-zinc-900">Schemas</h2>
            <p className="mt-1 text-sm text-zinc-600">
              Every named schema of the document. Response objects may gain fields in later versions: ignore the ones you do not know.
            </p>
            <div className="mt-4 space-y-4">
              {schemaNames.map((name) => (
                <Card key={name} id={schemaAnchor(name)} className="scroll-mt-6 p-5">
                  <h3 className="font-mono text-sm font-semibold text-zinc-900">{name}</h3>
                  {typeof components[name].description === "string" && (
                    <p className="mt-1 text-sm text-zinc-600">
                      <Prose text={components[name].description as string} />
                    </p>
                  )}
                  {name === "PolicyDocument" || name === "OpenApiDocument" ? (
                    <details className="mt-3">
                      <summary className="cursor-pointer text-sm font-medium text-brand-700">Show fields</summary>
                      <SchemaTable schema={components[name]} components={components} className="mt-2" />
                    </details>
                  ) : (
                    <SchemaTable schema={components[name]} components={components} className="mt-3" />
                  )}
                </Card>
              ))}
            </div>
          </section>
        </main>
      </div>
    </div>
  );
}

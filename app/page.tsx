import Link from "next/link";
import { getServerSession } from "next-auth";
import { authOptions } from "@/lib/auth/options";
import { ButtonLink } from "@/components/ui/button";
import { Logo } from "@/components/shell/logo";

export const dynamic = "force-dynamic";

const FEATURES = [
  { title: "Every tool, rated", body: "Register an MCP server and see each tool with its risk: read, write, execute, destructive or financial." },
  { title: "Rules you can read", body: "Allow, deny with a reason, rate-limit, require a human's approval, validate arguments or hide tools." },
  { title: "Enforced on every call", body: "Agents connect to Toolgate instead of the server. Allowed calls pass through unchanged; the rest are stopped." },
  { title: "A trail of every decision", body: "Who called which tool, what was decided by which rule, how long it took. Export it any time." },
];

export default async function Landing() {
  const session = await getServerSession(authOptions);
  return (
    <div className="min-h-screen bg-gradient-to-b from-white to-zinc-50">
      <header className="mx-auto flex max-w-6xl items-center justify-between px-6 py-5">
        <Logo />
        <nav className="flex items-center gap-2">
          {session ? (
            <ButtonLink href="/dashboard">Open dashboard</ButtonLink>
          ) : (
            <>
              <ButtonLink href="/signin" variant="ghost">
                Sign in
              </ButtonLink>
              <ButtonLink href="/signup">Sign up free</ButtonLink>
            </>
          )}
        </nav>
      </header>
      <main className="mx-auto max-w-6xl px-6 pb-20 pt-12">
        <section className="max-w-3xl">
          <p className="text-sm font-semibold uppercase tracking-wider text-brand-600">Policy gateway for MCP</p>
          <h1 className="mt-3 text-4xl font-semibold tracking-tight text-zinc-900 sm:text-5xl">
            Decide what your AI agents may do with their tools.
          </h1>
          <p className="mt-5 text-lg leading-8 text-zinc-600">
            Toolgate sits between AI agents — Claude Code, Cursor, VS Code — and the MCP servers they call. Nothing reaches a
            server without passing the rules you wrote.
          </p>
          <div className="mt-8 flex flex-wrap gap-3">
            <ButtonLink href={session ? "/dashboard" : "/signup"} className="px-5 py-2.5 text-base">
              {session ? "Open dashboard" : "Get started — it's free"}
            </ButtonLink>
            <ButtonLink href="#how" variant="secondary" className="px-5 py-2.5 text-base">
              How it works
            </ButtonLink>
          </div>
        </section>
        <section id="how" className="mt-16 grid gap-4 sm:grid-cols-2 lg:grid-cols-4" aria-label="What Toolgate does">
          {FEATURES.map((f) => (
            <div key={f.title} className="rounded-lg bg-white p-5 shadow-sm ring-1 ring-zinc-200">
              <h2 className="font-semibold text-zinc-900">{f.title}</h2>
              <p className="mt-2 text-sm leading-6 text-zinc-600">{f.body}</p>
            </div>
          ))}
        </section>
        <section className="mt-12 rounded-lg bg-zinc-900 p-6 font-mono text-sm text-zinc-100 shadow-sm" aria-label="Example policy">
          <p className="mb-3 font-sans text-xs uppercase tracking-wider text-zinc-400">A policy: deny by default, 10 imports a minute per agent</p>
          <pre className="overflow-x-auto">{`{
  "version": "1",
  "default": "deny",
  "tools": {
    "start_dicom_import_job": {
      "limits": [{ "counter": "imports", "window": "minute", "max": 10, "scope": "grant" }]
    }
  }
}`}</pre>
        </section>
      </main>
      <footer className="border-t border-zinc-200 py-6 text-center text-xs text-zinc-500">
        Toolgate · self-host with <code>npm install &amp;&amp; npm start</code> ·{" "}
        <Link className="underline" href="/signin">
          Sign in
        </Link>
      </footer>
    </div>
  );
}

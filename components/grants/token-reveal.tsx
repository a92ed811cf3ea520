"use client";

import { useEffect, useRef } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { CopyField } from "@/components/ui/copy-field";
import { ClientSnippets } from "./client-snippets";

export interface RevealedToken {
  kind: "created" | "rotated";
  grantId: string;
  label: string;
  serverName: string;
  token: string;
  gatewayUrl: string;
}

/** The token of a new or rotated grant, shown once, with the gateway URL and client snippets. */
export function TokenReveal({ revealed, onDone }: { revealed: RevealedToken; onDone: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
    heading.current?.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }, [revealed.token]);

  return (
    <section aria-labelledby="token-reveal-title" className="rounded-lg bg-white shadow-sm ring-2 ring-amber-300" data-testid="token-reveal">
      <div className="flex flex-wrap items-start justify-between gap-3 rounded-t-lg border-b border-amber-200 bg-amber-50 px-5 py-4">
        <div>
          <h2 id="token-reveal-title" ref={heading} tabIndex={-1} className="text-base font-semibold text-zinc-900 focus:outline-none">
            {revealed.kind === "created" ? `Grant “${revealed.label}” is ready` : `New token for “${revealed.label}”`}
          </h2>
          <p className="mt-0.5 text-sm text-zinc-700">
            {revealed.kind === "created"
              ? `Give this token to the agent. It can call ${revealed.serverName} through the gateway URL, under the policy in force.`
              : "The previous token stopped working at once. Give this one to the agent in its place."}
          </p>
        </div>
        <Button variant="secondary" onClick={onDone}>
          Done
        </Button>
      </div>
      <div className="space-y-4 p-5">
        <Alert tone="warning">
          <strong className="font-semibold">Copy the token now: you won’t see it again.</strong> Toolgate keeps only its hash. If it is lost, rotate the grant to get a new
          one.
        </Alert>
        <div className="grid gap-4 lg:grid-cols-2">
          <CopyField label="Token" value={revealed.token} />
          <CopyField label="Gateway URL" value={revealed.gatewayUrl} />
        </div>
        <div>
          <h3 className="mb-2 text-sm font-semibold text-zinc-900">Connect a client</h3>
          <ClientSnippets url={revealed.gatewayUrl} token={revealed.token} name={revealed.serverName} />
        </div>
      </div>
    </section>
  );
}

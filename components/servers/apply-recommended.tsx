"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { RecommendedLane } from "@/gateway/risk/types";
import { Card } from "@/components/ui/card";
import { Button, ButtonLink } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { TextField } from "@/components/ui/field";
import { apiFetch } from "@/lib/client/api";
import { apiFetchDetailed, policyErrorsOf } from "@/lib/client/api-details";
import { LANE_LABELS, LANE_TONES, laneOfRule } from "./risk";
import { PolicyErrors } from "./policy-errors";
import { prettyPolicy } from "./policy-json";
import { cn } from "@/components/ui/cn";
import { serverKeys, type ServerPolicy } from "./types";

const LANES: RecommendedLane[] = ["allow", "rate_limit", "require_approval", "deny"];

/** How many tools a policy document puts in each lane. */
export function laneCounts(document: unknown): Record<RecommendedLane, number> {
  const counts: Record<RecommendedLane, number> = { allow: 0, rate_limit: 0, require_approval: 0, deny: 0 };
  const tools = (document as { tools?: Record<string, unknown> } | null)?.tools ?? {};
  for (const rule of Object.values(tools)) counts[laneOfRule(rule)]++;
  return counts;
}

/** "Apply recommended policy": the draft built from the ratings, its summary, and publishing it. */
export function ApplyRecommended({ serverId, onClose }: { serverId: string; onClose: () => void }) {
  const qc = useQueryClient();
  const [message, setMessage] = useState("Recommended policy from the risk ratings");
  const recommended = useQuery({
    queryKey: [...serverKeys.policy(serverId), "recommended"],
    queryFn: () => apiFetch<{ document: unknown }>(`/api/v1/servers/${serverId}/policy/recommended`).then((r) => r.document),
    staleTime: 0,
  });
  const current = useQuery({ queryKey: serverKeys.policy(serverId), queryFn: () => apiFetch<ServerPolicy>(`/api/v1/servers/${serverId}/policy`) });
  const publish = useMutation({
    mutationFn: (document: unknown) => apiFetchDetailed<{ policyId: string; version: number }>(`/api/v1/servers/${serverId}/policy`, { method: "PUT", body: { document, message: message.trim() || undefined } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: serverKeys.one(serverId) }),
  });
  const doc = recommended.data;
  const counts = doc ? laneCounts(doc) : null;
  const total = counts ? LANES.reduce((n, l) => n + counts[l], 0) : 0;
  const errors = policyErrorsOf(publish.error);

  return (
    <Card aria-labelledby="apply-recommended-title" role="region">
      <div className="flex flex-wrap items-start justify-between gap-3 border-b border-zinc-200 px-5 py-4">
        <div>
          <h2 id="apply-recommended-title" className="text-base font-semibold text-zinc-900">
            Apply the recommended policy
          </h2>
          <p className="mt-0.5 text-sm text-zinc-600">Every tool in the lane its rating suggests; anything else is denied. Review it, then publish it as a new version.</p>
        </div>
        <Button variant="ghost" onClick={onClose}>
          Close
        </Button>
      </div>
      <div className="space-y-4 p-5">
        {recommended.isPending && <p className="text-sm text-zinc-500">Building the policy from the ratings…</p>}
        {recommended.error && <Alert tone="error">Could not build the recommended policy: {recommended.error.message}</Alert>}
        {doc !== undefined && counts && (
          <>
            <div>
              <h3 className="sr-only">Summary</h3>
              <ul className="flex flex-wrap gap-2" aria-label="Tools per lane" data-testid="lane-summary">
                {LANES.map((l) => (
                  <li key={l} className={cn("rounded-md px-3 py-2 text-sm ring-1 ring-inset", LANE_TONES[l])}>
                    <span className="block text-xl font-semibold tabular-nums">{counts[l]}</span>
                    <span className="text-xs font-medium">{LANE_LABELS[l]}</span>
                  </li>
                ))}
              </ul>
              <p className="mt-2 text-xs text-zinc-600">
                {total} {total === 1 ? "tool" : "tools"} with a rule; default <code className="font-mono">{String((doc as { default?: string }).default)}</code> for anything else.
                {current.data?.version ? ` Publishing replaces version ${current.data.version}.` : " No policy is published yet: until one is, the gateway denies every call."}
              </p>
            </div>
            <details>
              <summary className="cursor-pointer text-sm font-medium text-zinc-700 hover:text-zinc-900">Policy JSON</summary>
              <pre className="mt-2 max-h-96 overflow-auto rounded-md bg-zinc-50 p-3 font-mono text-xs text-zinc-800 ring-1 ring-zinc-200 ring-inset" tabIndex={0} aria-label="Recommended policy JSON">
                {prettyPolicy(doc)}
              </pre>
            </details>
            {publish.isSuccess ? (
              <Alert tone="success">
                <div className="flex flex-wrap items-center justify-between gap-3">
                  <span data-testid="published-version">
                    Published <span className="font-semibold">version {publish.data.version}</span>. The gateway enforces it from now on.
                  </span>
                  <ButtonLink href={`/servers/${serverId}/policy`} variant="secondary" className="py-1.5">
                    Open the policy
                  </ButtonLink>
                </div>
              </Alert>
            ) : (
              <form
                className="flex flex-wrap items-end gap-3"
                onSubmit={(e) => {
                  e.preventDefault();
                  publish.mutate(doc);
                }}
              >
                <TextField label="Version message" value={message} onChange={(e) => setMessage(e.target.value)} maxLength={500} className="min-w-0 flex-1 basis-64" />
                <Button type="submit" busy={publish.isPending}>
                  Publish as version {(current.data?.version ?? 0) + 1}
                </Button>
              </form>
            )}
            {publish.error && (errors.length ? <PolicyErrors errors={errors} /> : <Alert tone="error">{publish.error.message}</Alert>)}
          </>
        )}
      </div>
    </Card>
  );
}

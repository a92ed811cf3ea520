"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Card, CardHeader } from "@/components/ui/card";
import { TextField } from "@/components/ui/field";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { CopyField } from "@/components/ui/copy-field";
import { Badge } from "@/components/ui/badge";
import { apiFetch } from "@/lib/client/api";
import { useApiMutation } from "@/lib/client/use-api-mutation";

interface Delivery {
  id: string;
  deliveryId: string;
  event: string;
  approvalId: string | null;
  url: string;
  attempt: number;
  statusCode: number | null;
  error: string | null;
  durationMs: number | null;
  createdAt: string;
}
interface WebhookAnswer {
  webhook: { url: string; enabled: boolean; createdAt: string; updatedAt: string } | null;
  deliveries: Delivery[];
}
interface TestResult {
  attempt: number;
  statusCode: number | null;
  error: string | null;
  ok: boolean;
}

const KEY = ["approval-webhook"];

/** Settings → Approvals: the org's webhook (URL, secret shown once, test event, last deliveries). */
export function ApprovalWebhookSettings() {
  const q = useQuery({ queryKey: KEY, queryFn: () => apiFetch<WebhookAnswer>("/api/v1/approval-webhook"), refetchInterval: 5_000 });
  const [secret, setSecret] = useState<string | null>(null);
  const [tested, setTested] = useState<TestResult | null>(null);
  const save = useApiMutation((v: { url: string; enabled: boolean }) => apiFetch<{ secret: string | null }>("/api/v1/approval-webhook", { method: "PUT", body: v }), [KEY]);
  const rotate = useApiMutation(() => apiFetch<{ secret: string }>("/api/v1/approval-webhook/secret", { method: "POST" }), [KEY]);
  const test = useApiMutation(() => apiFetch<TestResult>("/api/v1/approval-webhook/test", { method: "POST" }), [KEY]);
  const remove = useApiMutation(() => apiFetch("/api/v1/approval-webhook", { method: "DELETE" }), [KEY]);
  const hook = q.data?.webhook ?? null;

  return (
    <div className="space-y-6">
      <Card>
        <CardHeader
          title="Approval webhook"
          description="Toolgate POSTs each new approval request and each decision to this URL, signed with X-Toolgate-Signature (HMAC-SHA256 of the body). A Slack incoming-webhook URL works as is."
        />
        {q.isPending ? (
          <p className="p-5 text-sm text-zinc-500">Loading…</p>
        ) : (
          <form
            key={hook?.updatedAt ?? "new"}
            className="space-y-4 p-5"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              const data = new FormData(e.currentTarget);
              setTested(null);
              save.mutate({ url: String(data.get("url")), enabled: data.get("enabled") === "on" }, { onSuccess: (r) => r.secret && setSecret(r.secret) });
            }}
          >
            <div className="grid gap-3 sm:grid-cols-[1fr_auto] sm:items-end">
              <TextField label="Webhook URL" name="url" type="url" required defaultValue={hook?.url ?? ""} placeholder="https://hooks.slack.com/services/…" error={save.fields.url} />
              <label className="flex items-center gap-2 pb-2 text-sm text-zinc-800">
                <input type="checkbox" name="enabled" defaultChecked={hook?.enabled ?? true} className="size-4 rounded border-zinc-300" />
                Enabled
              </label>
            </div>
            <div className="flex flex-wrap gap-2">
              <Button type="submit" busy={save.isPending}>
                {hook ? "Save" : "Set up webhook"}
              </Button>
              {hook && (
                <>
                  <Button type="button" variant="secondary" busy={test.isPending} onClick={() => test.mutate(undefined, { onSuccess: setTested })}>
                    Send a test event
                  </Button>
                  <Button type="button" variant="secondary" busy={rotate.isPending} onClick={() => rotate.mutate(undefined, { onSuccess: (r) => setSecret(r.secret) })}>
                    New secret
                  </Button>
                  <Button
                    type="button"
                    variant="danger"
                    busy={remove.isPending}
                    onClick={() => {
                      if (confirm("Remove the approval webhook? Nothing is sent until one is set up again.")) remove.mutate(undefined, { onSuccess: () => setSecret(null) });
                    }}
                  >
                    Remove
                  </Button>
                </>
              )}
            </div>
            {[save.errorMessage, rotate.error?.message, test.error?.message, remove.error?.message].filter(Boolean).map((m) => (
              <Alert key={m} tone="error">
                {m}
              </Alert>
            ))}
            {tested && (
              <Alert tone={tested.ok ? "success" : "error"}>
                {tested.ok ? `The receiver answered ${tested.statusCode}.` : `The test event failed: ${tested.error ?? `HTTP ${tested.statusCode}`}.`}
              </Alert>
            )}
            {secret && (
              <div className="space-y-2" data-testid="webhook-secret">
                <Alert tone="warning">Copy the signing secret now: it is shown only once. Verify each delivery's X-Toolgate-Signature with it.</Alert>
                <CopyField label="Signing secret" value={secret} />
              </div>
            )}
          </form>
        )}
      </Card>

      {hook && (
        <Card>
          <CardHeader title="Last deliveries" description="Every attempt, newest first. Network errors, 5xx and 429 are retried after 1, 4, 16 and 60 s; a scheduled retry survives a restart." />
          {q.data?.deliveries.length === 0 ? (
            <p className="px-5 py-4 text-sm text-zinc-500">Nothing sent yet. Send a test event to check the receiver.</p>
          ) : (
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm">
                <thead className="border-b border-zinc-200 text-xs text-zinc-500">
                  <tr>
                    <th className="px-5 py-2 font-medium">When</th>
                    <th className="px-3 py-2 font-medium">Event</th>
                    <th className="px-3 py-2 font-medium">Attempt</th>
                    <th className="px-3 py-2 font-medium">Result</th>
                    <th className="px-5 py-2 font-medium">Delivery</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-zinc-100">
                  {q.data?.deliveries.map((d) => (
                    <tr key={d.id}>
                      <td className="px-5 py-2 whitespace-nowrap text-zinc-700">{new Date(d.createdAt).toLocaleString()}</td>
                      <td className="px-3 py-2">
                        <code className="text-xs">{d.event}</code>
                        {d.approvalId && (
                          <a href={`/approvals/${d.approvalId}`} className="ml-2 font-mono text-xs text-brand-700 hover:underline">
                            {d.approvalId.slice(0, 12)}…
                          </a>
                        )}
                      </td>
                      <td className="px-3 py-2 tabular-nums">{d.attempt}</td>
                      <td className="px-3 py-2">
                        {d.statusCode !== null && d.statusCode >= 200 && d.statusCode < 300 ? (
                          <Badge tone="green">{d.statusCode}</Badge>
                        ) : d.statusCode === null && d.error === null ? (
                          <Badge>scheduled</Badge>
                        ) : (
                          <Badge tone="red">{d.error ?? d.statusCode}</Badge>
                        )}
                        {d.durationMs !== null && <span className="ml-2 text-xs text-zinc-500">{d.durationMs} ms</span>}
                      </td>
                      <td className="px-5 py-2 font-mono text-xs text-zinc-500">{d.deliveryId}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
      )}
    </div>
  );
}

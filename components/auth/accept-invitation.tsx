"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { apiFetch } from "@/lib/client/api";

export function AcceptInvitation({ token }: { token: string }) {
  const router = useRouter();
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  async function accept() {
    setBusy(true);
    setError("");
    try {
      await apiFetch("/api/v1/invitations/accept", { body: { token } });
      router.push("/dashboard");
      router.refresh();
    } catch (err) {
      setBusy(false);
      setError((err as Error).message);
    }
  }
  return (
    <div className="mt-4 space-y-3">
      {error && <Alert tone="error">{error}</Alert>}
      <Button onClick={accept} busy={busy} className="w-full">
        Accept invitation
      </Button>
    </div>
  );
}

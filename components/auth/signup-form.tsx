"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { apiFetch, ApiClientError } from "@/lib/client/api";
import { PASSWORD_MIN } from "@/lib/validation/auth";
import { OAuthButtons } from "./oauth-buttons";

interface Props {
  providers: { github: boolean; google: boolean };
  invite?: { token: string; email: string; orgName: string };
}

export function SignUpForm({ providers, invite }: Props) {
  const router = useRouter();
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const email = invite?.email ?? String(form.get("email") ?? "");
    const password = String(form.get("password") ?? "");
    setBusy(true);
    setError("");
    setFields({});
    try {
      await apiFetch("/api/v1/signup", {
        body: { email, password, name: String(form.get("name") ?? "") || undefined, inviteToken: invite?.token },
      });
    } catch (err) {
      setBusy(false);
      if (err instanceof ApiClientError && Object.keys(err.fields).length) setFields(err.fields);
      else setError(err instanceof Error ? err.message : "could not create the account");
      return;
    }
    const res = await signIn("credentials", { email, password, redirect: false });
    if (res?.ok && !res.error) {
      router.push("/dashboard");
      router.refresh();
    } else {
      setBusy(false);
      setError("your account was created, but signing in failed: sign in with your email and password");
    }
  }

  return (
    <Card className="p-6">
      <h1 className="text-xl font-semibold text-zinc-900">{invite ? `Join ${invite.orgName}` : "Create your Toolgate account"}</h1>
      <p className="mt-1 text-sm text-zinc-600">
        Already have one?{" "}
        <Link href={invite ? `/signin?callbackUrl=${encodeURIComponent(`/invite/${invite.token}`)}` : "/signin"} className="font-medium text-brand-700 hover:underline">
          Sign in
        </Link>
      </p>
      <div className="mt-6 space-y-4">
        {!invite && <OAuthButtons providers={providers} callbackUrl="/dashboard" />}
        <form onSubmit={onSubmit} className="space-y-4" noValidate>
          {error && <Alert tone="error">{error}</Alert>}
          <TextField label="Name" name="name" autoComplete="name" error={fields.name} />
          {invite ? (
            <TextField label="Email" name="email" type="email" value={invite.email} readOnly hint="The invitation was sent to this address" />
          ) : (
            <TextField label="Email" name="email" type="email" autoComplete="email" required error={fields.email} />
          )}
          <TextField
            label="Password"
            name="password"
            type="password"
            autoComplete="new-password"
            required
            minLength={PASSWORD_MIN}
            hint={`At least ${PASSWORD_MIN} characters`}
            error={fields.password}
          />
          <Button type="submit" className="w-full" busy={busy}>
            {invite ? "Create account and join" : "Create account"}
          </Button>
        </form>
      </div>
    </Card>
  );
}

"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { OAuthButtons } from "./oauth-buttons";

const KNOWN_ERRORS: Record<string, string> = {
  CredentialsSignin: "wrong email or password",
  OAuthSignin: "could not start the sign-in with that provider",
  OAuthCallback: "the sign-in provider returned an error",
  AccessDenied: "access denied",
  SessionRequired: "sign in to continue",
};

export function SignInForm(props: { callbackUrl: string; initialError?: string; providers: { github: boolean; google: boolean } }) {
  const router = useRouter();
  const [error, setError] = useState(props.initialError ? (KNOWN_ERRORS[props.initialError] ?? props.initialError) : "");
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError("");
    const res = await signIn("credentials", { email: String(form.get("email")), password: String(form.get("password")), redirect: false });
    if (res?.ok && !res.error) {
      router.push(props.callbackUrl);
      router.refresh();
      return;
    }
    setBusy(false);
    setError(res?.error ? (KNOWN_ERRORS[res.error] ?? res.error) : "could not sign in, try again");
  }

  return (
    <Card className="p-6">
      <h1 className="text-xl font-semibold text-zinc-900">Sign in to Toolgate</h1>
      <p className="mt-1 text-sm text-zinc-600">
        New here?{" "}
        <Link href="/signup" className="font-medium text-brand-700 hover:underline">
          Create an account
        </Link>
      </p>
      <div className="mt-6 space-y-4">
        <OAuthButtons providers={props.providers} callbackUrl={props.callbackUrl} />
        <form onSubmit={onSubmit} className="space-y-4" noValidate>
          {error && <Alert tone="error">{error}</Alert>}
          <TextField label="Email" name="email" type="email" autoComplete="email" required autoFocus />
          <TextField label="Password" name="password" type="password" autoComplete="current-password" required />
          <Button type="submit" className="w-full" busy={busy}>
            Sign in
          </Button>
        </form>
      </div>
    </Card>
  );
}

import type { Metadata } from "next";
import { SignInForm } from "@/components/auth/signin-form";
import { oauthProvidersConfigured } from "@/lib/auth/options";
import { safeCallbackUrl } from "@/lib/auth/callback-url";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const sp = await searchParams;
  return <SignInForm callbackUrl={safeCallbackUrl(sp.callbackUrl)} initialError={sp.error} providers={oauthProvidersConfigured()} />;
}

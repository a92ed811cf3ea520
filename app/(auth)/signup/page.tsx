import type { Metadata } from "next";
import { SignUpForm } from "@/components/auth/signup-form";
import { oauthProvidersConfigured } from "@/lib/auth/options";

export const metadata: Metadata = { title: "Sign up" };
export const dynamic = "force-dynamic";

export default function SignUpPage() {
  return <SignUpForm providers={oauthProvidersConfigured()} />;
}

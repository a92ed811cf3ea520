"use client";

import { signIn } from "next-auth/react";
import { Button } from "@/components/ui/button";

export function OAuthButtons({ providers, callbackUrl }: { providers: { github: boolean; google: boolean }; callbackUrl: string }) {
  if (!providers.github && !providers.google) return null;
  return (
    <div className="space-y-2">
      {providers.github && (
        <Button type="button" variant="secondary" className="w-full" onClick={() => signIn("github", { callbackUrl })}>
          Continue with GitHub
        </Button>
      )}
      {providers.google && (
        <Button type="button" variant="secondary" className="w-full" onClick={() => signIn("google", { callbackUrl })}>
          Continue with Google
        </Button>
      )}
      <div className="flex items-center gap-3 py-2 text-xs text-zinc-500">
        <span className="h-px flex-1 bg-zinc-200" /> or with email <span className="h-px flex-1 bg-zinc-200" />
      </div>
    </div>
  );
}

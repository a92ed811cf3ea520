"use client";

import { signOut } from "next-auth/react";

export function UserMenu({ email, name }: { email: string; name: string | null }) {
  return (
    <div className="flex items-center gap-3">
      <div className="hidden text-right sm:block">
        <div className="text-sm font-medium text-zinc-900">{name || email}</div>
        {name && <div className="text-xs text-zinc-500">{email}</div>}
      </div>
      <button
        type="button"
        onClick={() => signOut({ callbackUrl: "/signin" })}
        className="rounded-md px-3 py-1.5 text-sm font-medium text-zinc-700 ring-1 ring-inset ring-zinc-300 hover:bg-zinc-50"
      >
        Sign out
      </button>
    </div>
  );
}

"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState } from "react";
import { cn } from "@/components/ui/cn";
import { Logo } from "./logo";
import { NAV_ITEMS } from "./nav-items";
import { usePendingApprovalCount } from "@/components/approvals/queries";

export function Sidebar() {
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  const isActive = (href: string) => pathname === href || pathname.startsWith(`${href}/`);
  const pending = usePendingApprovalCount().data ?? 0;
  return (
    <aside className="border-b border-zinc-200 bg-white md:sticky md:top-0 md:h-screen md:w-60 md:shrink-0 md:border-b-0 md:border-r">
      <div className="flex items-center justify-between px-5 py-4">
        <Logo href="/dashboard" />
        <button
          type="button"
          className="rounded-md p-2 text-zinc-600 hover:bg-zinc-100 md:hidden"
          aria-expanded={open}
          aria-controls="main-nav"
          onClick={() => setOpen((o) => !o)}
        >
          <span className="sr-only">Menu</span>
          <svg viewBox="0 0 20 20" className="size-5" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden>
            <path d="M3 6h14M3 10h14M3 14h14" strokeLinecap="round" />
          </svg>
        </button>
      </div>
      <nav id="main-nav" aria-label="Main" className={cn("px-3 pb-4 md:block", open ? "block" : "hidden")}>
        <ul className="space-y-0.5">
          {NAV_ITEMS.map((item) => (
            <li key={item.href}>
              <Link
                href={item.href}
                aria-current={isActive(item.href) ? "page" : undefined}
                onClick={() => setOpen(false)}
                className={cn(
                  "flex items-center justify-between gap-2 rounded-md px-3 py-2 text-sm font-medium",
                  isActive(item.href) ? "bg-brand-50 text-brand-700" : "text-zinc-700 hover:bg-zinc-100 hover:text-zinc-900",
                )}
              >
                {item.label}
                {item.href === "/approvals" && pending > 0 && (
                  <span
                    className="min-w-5 rounded-full bg-amber-500 px-1.5 py-0.5 text-center text-xs leading-none font-semibold text-white tabular-nums"
                    data-testid="pending-approvals-badge"
                  >
                    {pending > 99 ? "99+" : pending}
                    <span className="sr-only"> waiting for approval</span>
                  </span>
                )}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
    </aside>
  );
}

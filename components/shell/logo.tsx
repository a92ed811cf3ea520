import Link from "next/link";

export function Logo({ href = "/" }: { href?: string }) {
  return (
    <Link href={href} className="flex items-center gap-2 text-lg font-semibold tracking-tight text-zinc-900">
      <span className="flex size-7 items-center justify-center rounded-md bg-brand-600 text-white" aria-hidden>
        <svg viewBox="0 0 20 20" fill="none" stroke="currentColor" strokeWidth="2" className="size-4">
          <path d="M4 10h12M10 4v12" strokeLinecap="round" />
          <rect x="3" y="3" width="14" height="14" rx="3" />
        </svg>
      </span>
      Toolgate
    </Link>
  );
}

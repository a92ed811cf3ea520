import { cn } from "./cn";

const TONES = {
  error: "bg-red-50 text-red-800 ring-red-200",
  success: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  info: "bg-brand-50 text-brand-900 ring-brand-100",
  warning: "bg-amber-50 text-amber-900 ring-amber-200",
} as const;

export function Alert({ tone = "info", children, className }: { tone?: keyof typeof TONES; children: React.ReactNode; className?: string }) {
  return (
    <div role={tone === "error" ? "alert" : "status"} className={cn("rounded-md px-3.5 py-2.5 text-sm ring-1 ring-inset", TONES[tone], className)}>
      {children}
    </div>
  );
}

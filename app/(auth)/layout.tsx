import { Logo } from "@/components/shell/logo";

export default function AuthLayout({ children }: { children: React.ReactNode }) {
  return (
    <div className="flex min-h-screen flex-col items-center justify-center bg-zinc-50 px-4 py-12">
      <div className="mb-8">
        <Logo />
      </div>
      <main className="w-full max-w-sm">{children}</main>
    </div>
  );
}

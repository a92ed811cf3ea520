import type { Metadata } from "next";
import "./globals.css";
import { Providers } from "@/components/providers";

export const metadata: Metadata = {
  title: { default: "Toolgate — policy gateway for AI agents' tool calls", template: "%s · Toolgate" },
  description: "Put rules between AI agents and the MCP servers they call: allow, deny, rate-limit, require approval, hide.",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}

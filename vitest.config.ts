import { defineConfig } from "vitest/config";
import path from "node:path";

// Two projects: `unit` holds the pure logic tests that sit beside their code;
// `integration` holds flows that start real servers (PostgreSQL, Redis, MCP peers).
export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["gateway/**/*.test.ts", "lib/**/*.test.ts", "cli/**/*.test.ts", "components/**/*.test.ts"],
          environment: "node",
          // Property tests run thousands of cases: seconds alone, more on a busy 2-core machine.
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 120_000,
          globalSetup: ["tests/integration/global-setup.ts"],
          fileParallelism: false,
        },
      },
    ],
  },
});

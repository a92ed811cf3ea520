// `npm start` (and `npm run dev` with --dev): the whole product in one process.
//   1. read configuration; create secrets on first run (kept in the data dir)
//   2. build the dashboard if the build is missing or stale (not in dev)
//   3. start embedded PostgreSQL unless DATABASE_URL is set
//   4. apply pending migrations
//   5. serve gateway (/mcp/*) and dashboard on one port
// Ctrl-C / SIGTERM stops the HTTP server and PostgreSQL cleanly.
import { startToolgate } from "../lib/runtime/start-toolgate";

const dev = process.argv.includes("--dev");
const started = Date.now();
const log = (m: string) => console.log(`toolgate: ${m}`);

startToolgate({ dev, log })
  .then((running) => {
    log(`ready on ${running.url} in ${((Date.now() - started) / 1000).toFixed(1)} s (data in ${running.dataDir})`);
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        log("stopping now");
        process.exit(1);
      }
      stopping = true;
      log(`${signal}: stopping…`);
      running
        .stop()
        .then(() => process.exit(0))
        .catch((err) => {
          console.error(`toolgate: ${err.message}`);
          process.exit(1);
        });
    };
    process.on("SIGINT", () => stop("SIGINT"));
    process.on("SIGTERM", () => stop("SIGTERM"));
  })
  .catch((err: Error) => {
    console.error(`toolgate: could not start: ${err.message}`);
    process.exit(1);
  });

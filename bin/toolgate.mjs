#!/usr/bin/env node
// The `toolgate` command. The CLI is TypeScript that shares its code with the gateway, so tsx's
// loader is registered first and the sources run as they are, without a build step.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../cli/index.ts");
process.exitCode = await main(process.argv.slice(2));

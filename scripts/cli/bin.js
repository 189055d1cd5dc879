#!/usr/bin/env node
// The `hallmark` command. tsx resolves the project's `.js`-suffixed imports of .ts sources,
// which Node's own type stripping cannot; the CLI then runs from source with no build step.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import process from "node:process";

// The CLI needs Node >= 22.13 (node:sqlite). A brand may run it from its own folder with an older
// system Node: run it again on the Node 24 the project pins (the `node` dev dependency).
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 13)) {
  let pinned;
  try {
    pinned = path.join(
      path.dirname(createRequire(import.meta.url).resolve("node/package.json")),
      "bin",
      "node",
    );
  } catch {
    process.stderr.write(
      `hallmark needs Node.js 22.13 or later (this is ${process.versions.node}); run npm install in the Hallmark folder, or install Node 24.\n`,
    );
    process.exit(1);
  }
  const run = spawnSync(pinned, process.argv.slice(1), { stdio: "inherit" });
  if (run.error !== undefined) {
    process.stderr.write(`hallmark: could not start ${pinned}: ${run.error.message}\n`);
    process.exit(1);
  }
  process.exit(run.status ?? 1);
}

const { register } = await import("tsx/esm/api");
register();
await import("./hallmark.ts");

#!/usr/bin/env node
// The `hallmark` command. tsx resolves the project's `.js`-suffixed imports of .ts sources,
// which Node's own type stripping cannot; the CLI then runs from source with no build step.
import { register } from "tsx/esm/api";

register();
await import("./hallmark.ts");

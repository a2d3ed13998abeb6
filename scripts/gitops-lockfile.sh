#!/usr/bin/env bash
# Rewrites examples/gitops/package-lock.json for imageform's current dependencies (run it after changing them;
# test/e2e/gitops.test.ts says when). The example installs imageform as a team would, from the tarball
# `npm pack` makes, in vendor/. Here that tarball is rebuilt from the checkout, so its integrity is left out
# of the lockfile; a team's lockfile keeps it.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
example="$repo/examples/gitops"
mkdir -p "$example/vendor"
cd "$repo"
npm pack --silent --ignore-scripts --pack-destination "$example/vendor" >/dev/null
cd "$example"
rm -f package-lock.json
npm install --package-lock-only --no-audit --no-fund
node -e '
  const fs = require("node:fs");
  const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8"));
  delete lock.packages["node_modules/imageform"].integrity;
  fs.writeFileSync("package-lock.json", JSON.stringify(lock, null, 2) + "\n");
'
echo "wrote $example/package-lock.json"

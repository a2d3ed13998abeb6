#!/usr/bin/env bash
# The package as a user gets it: `npm pack`, installed into an empty project, then the quickstart it ships, run
# from there (apply, then a plan that finds nothing to change). Run by .ci/run after `npm test`.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$repo"
# `prepare` builds dist/ first, as it would for a release.
tarball="$work/$(npm pack --silent --pack-destination "$work" | tail -n 1)"
echo "packed $(basename "$tarball")"

mkdir "$work/project"
cd "$work/project"
npm init -y >/dev/null
npm install --no-audit --no-fund "$tarball"

expected="imageform $(node -p 'require("./node_modules/imageform/package.json").version')"
version="$(npx imageform --version)"
if [ "$version" != "$expected" ]; then
  echo "packed-quickstart: --version printed \"$version\", expected \"$expected\"" >&2
  exit 1
fi

cp -R node_modules/imageform/examples/quickstart quickstart
npx imageform apply quickstart --auto-approve | tee apply.txt
grep -q '^Apply complete! Resources: 3 added, 0 changed, 0 replaced, 0 destroyed.$' apply.txt
# --detailed-exitcode: 0 only when there is nothing to change (2 would mean the apply left something undone).
npx imageform plan quickstart --detailed-exitcode | tee plan.txt
grep -q 'No changes.' plan.txt
echo "packed-quickstart: ok ($(basename "$tarball") installed into an empty project, quickstart applied, plan clean)"

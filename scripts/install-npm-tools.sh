#!/usr/bin/env bash
# Installs the npm tooling of the browser test (playwright-core, no browser
# download: the test drives Debian's chromium). Quiet when already installed.
set -euo pipefail
dir="$(cd "$(dirname "$0")/.." && pwd)/tests/serve"
[ -f "$dir/package.json" ] || exit 0
[ -d "$dir/node_modules/playwright-core" ] && exit 0
echo "install-npm-tools: installing browser-test tooling in tests/serve"
(cd "$dir" && if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --silent; else npm install --no-audit --no-fund --silent; fi)

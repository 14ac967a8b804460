#!/usr/bin/env bash
# Sets up and runs every test: install (Chromium via apt-get when missing and we are root), type-check, lint,
# unit + contract tests in Node (Vitest), production build, browser tests in real Chromium (Playwright).
# Browser: TASTEBUD_CHROMIUM=/path/to/chrome to use your own; default /usr/bin/chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

CHROMIUM="${TASTEBUD_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "== installing Chromium (apt-get install chromium)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Chromium not found at $CHROMIUM: install it (Debian: apt-get install chromium) or set TASTEBUD_CHROMIUM." >&2
    exit 1
  fi
fi
export TASTEBUD_CHROMIUM="$CHROMIUM"

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== npm ci"
  npm ci --no-audit --no-fund
fi

echo "== typecheck"
bash scripts/typecheck.sh
echo "== lint"
npx eslint .
echo "== unit and contract tests (Node)"
npx vitest run
echo "== build"
npx vite build
echo "== browser tests (Chromium: $CHROMIUM)"
npx playwright test

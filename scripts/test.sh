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

mkdir -p .cache/tests
rm -f .cache/tests/*.json
status=0
stage() { # stage NAME CMD...: run every stage even after a failure, then report them all
  local name=$1; shift
  echo "== $name"
  if "$@"; then echo "== $name: ok"; else echo "== $name: FAILED"; status=1; failed_stages+=("$name"); fi
}
failed_stages=()
stage typecheck bash scripts/typecheck.sh
stage lint npx eslint .
stage "unit and contract tests (Node)" npx vitest run --reporter=default --reporter=json --outputFile.json=.cache/tests/vitest.json
stage build npx vite build
if [ -d dist ]; then
  stage "browser tests (Chromium: $CHROMIUM)" env TASTEBUD_PW_JSON=.cache/tests/playwright.json npx playwright test
fi
node scripts/test_summary.mjs .cache/tests/vitest.json .cache/tests/playwright.json || status=1
if [ "$status" != 0 ]; then echo "failed stages: ${failed_stages[*]:-summary}"; fi
exit "$status"

#!/usr/bin/env bash
# Type-check every runtime boundary separately, then the catch-all project.
set -euo pipefail
cd "$(dirname "$0")/.."
for p in src/model src/worker src/embed src/cli .; do
  echo "tsc -p $p"
  npx tsc -p "$p"
done

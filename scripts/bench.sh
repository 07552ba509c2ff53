#!/usr/bin/env bash
# `npm run bench`: runs every benchmark in test/bench/ (or those named as arguments) and prints their figures.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/node24.sh
npx gulp build >/dev/null
benches=("$@")
if [ ${#benches[@]} -eq 0 ]; then benches=(test/bench/*.bench.ts); fi
for bench in "${benches[@]}"; do
	echo "=== $bench"
	npx tsx "$bench"
done

#!/usr/bin/env bash
# `npm run bench`: runs every benchmark in test/bench/ (or those named as arguments) and prints their figures, then a
# summary: each figure with the bound or peer it is held against, the ratio and the load average when measured.
# The benchmarks are not part of `./run test`; test/bench/routing-n8n.bench.ts starts a real n8n (about 10 minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/node24.sh
npx gulp build >/dev/null
benches=("$@")
if [ ${#benches[@]} -eq 0 ]; then benches=(test/bench/*.bench.ts); fi
output="$(mktemp)"
trap 'rm -f "$output"' EXIT
for bench in "${benches[@]}"; do
	echo "=== $bench" | tee -a "$output"
	npx tsx "$bench" 2>&1 | tee -a "$output"
done
echo
echo "=== summary: figure | bound or peer | ratio | load average (1, 5, 15 min)"
grep -E ' \| ratio ' "$output" || echo "(no figures)"

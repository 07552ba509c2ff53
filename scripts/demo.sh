#!/usr/bin/env bash
# `npm run demo`: every sandbox, and n8n with this package and its templates wired to them, until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/node24.sh
exec npx tsx scripts/demo.ts "$@"

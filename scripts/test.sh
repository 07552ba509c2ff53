#!/usr/bin/env bash
# `npm test`: builds and lints the package, makes sure the services the tests need are installed, then runs every suite
# (unit, store on SQLite and PostgreSQL, sandbox, engine in-process n8n, e2e in the real n8n).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/node24.sh
npx gulp build
# The lint (eslint.config.mjs): n8n's community-node rules and the engine's layers; an error fails the run.
npx eslint .
if [ -f scripts/install-test-services.sh ]; then bash scripts/install-test-services.sh; fi
# The real n8n is provisioned once per machine (cached outside the repo); doing it here keeps it out of test timeouts.
bash scripts/provision-n8n.sh >/dev/null
exec npx jest --runInBand=false --maxWorkers=2 "$@"

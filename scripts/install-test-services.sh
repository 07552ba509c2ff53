#!/usr/bin/env bash
# Installs the services the test suites start themselves (PostgreSQL for the store's Postgres backend and n8n's queue
# mode, Redis for n8n's queue mode) and the browser the editor suite drives (Debian's Chromium: playwright-core cannot
# download one here), so the install never runs inside a jest timeout. Idempotent: does nothing when the binaries
# are already there.
set -euo pipefail

has_postgres() { compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; }
has_redis() { command -v redis-server >/dev/null; }
has_chromium() { [ -x /usr/bin/chromium ]; }

if has_postgres && has_redis && has_chromium; then
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "[install-test-services] PostgreSQL, Redis or Chromium is missing and installing them needs root: apt-get install postgresql redis-server chromium" >&2
	exit 1
fi
packages=()
has_postgres || packages+=(postgresql)
has_redis || packages+=(redis-server)
has_chromium || packages+=(chromium)
echo "[install-test-services] installing ${packages[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# Tests initdb their own throw-away clusters: the package's default cluster would only hold port 5432.
mkdir -p /etc/postgresql-common
echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.conf
apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
	"${packages[@]}" >/dev/null
# Tests start their own throw-away Redis on a free port; the package's service would only hold port 6379.
if command -v systemctl >/dev/null && systemctl is-active --quiet redis-server 2>/dev/null; then systemctl stop redis-server || true; fi
has_postgres && has_redis && has_chromium

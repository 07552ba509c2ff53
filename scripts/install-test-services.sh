#!/usr/bin/env bash
# Installs the services the test suites start themselves (PostgreSQL for the store's Postgres backend), so the
# install never runs inside a jest timeout. Idempotent: does nothing when the binaries are already there.
set -euo pipefail

if compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "[install-test-services] PostgreSQL is missing and installing it needs root: apt-get install postgresql" >&2
	exit 1
fi
echo "[install-test-services] installing PostgreSQL" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# Tests initdb their own throw-away clusters: the package's default cluster would only hold port 5432.
mkdir -p /etc/postgresql-common
echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.conf
apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
	postgresql >/dev/null
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null

#!/usr/bin/env bash
# Installs and starts the system parts the full test suite uses: Debian's Chromium (browser
# tests, driven by playwright-core) and PostgreSQL (the postgres store). Needs root (apt-get).
# Writes the PostgreSQL URL for the tests to .shopwire/test-env.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
cluster=$(pg_lsclusters -h | awk 'NR==1 {print $1" "$2}')
if [ -z "$cluster" ]; then
  pg_createcluster 15 main >/dev/null
  cluster="15 main"
fi
pg_ctlcluster $cluster start 2>/dev/null || true
su postgres -c "psql -qc \"ALTER USER postgres PASSWORD 'shopwire-test'\"" >/dev/null
mkdir -p .shopwire
port=$(pg_lsclusters -h | awk 'NR==1 {print $3}')
echo "SHOPWIRE_TEST_PG_URL=postgres://postgres:shopwire-test@127.0.0.1:${port}/postgres" > .shopwire/test-env
echo "system deps ready: chromium $(chromium --version 2>/dev/null | awk '{print $2}'), postgresql cluster $cluster on port $port"

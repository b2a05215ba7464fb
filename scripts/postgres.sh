#!/usr/bin/env bash
# Makes sure a PostgreSQL server the registry's tests can use is running, and exports its
# connection string as HUKUMATI_PG (libpq key=value form, user postgres, no password).
#
# 1. The machine's own server on 127.0.0.1:5432 with trust authentication (CI machines have it;
#    started with pg_ctlcluster if it is installed but stopped).
# 2. Otherwise a private server for the tests: Debian's postgresql package (installed if
#    missing), a cluster in the cache folder with trust authentication on 127.0.0.1:5433,
#    owned by the postgres user. Safe to run again.
set -euo pipefail

pg_up() { pg_isready -q -h 127.0.0.1 -p "$1" 2>/dev/null; }
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }

if [ -n "${HUKUMATI_PG:-}" ]; then
  return 0 2>/dev/null || exit 0
fi
if command -v pg_isready >/dev/null 2>&1 && ! pg_up 5432 && command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  for v in $(ls /etc/postgresql); do pg_ctlcluster --skip-systemctl-redirect "$v" main start 2>/dev/null || true; done
  for _ in $(seq 20); do pg_up 5432 && break; sleep 0.5; done
fi
if command -v pg_isready >/dev/null 2>&1 && pg_up 5432 && psql -h 127.0.0.1 -p 5432 -U postgres -w -d postgres -Atc "select 1" >/dev/null 2>&1; then
  export HUKUMATI_PG="host=127.0.0.1 port=5432 user=postgres"
  return 0 2>/dev/null || exit 0
fi

# A private server for the tests.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "setup: installing PostgreSQL for the registry's tests"
  SUDO=""; if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql
fi
BIN=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")
DATA=/var/cache/hukumati-pg
SUDO=""; if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
if [ ! -f "$DATA/PG_VERSION" ]; then
  $SUDO mkdir -p "$DATA" && $SUDO chown postgres:postgres "$DATA" && $SUDO chmod 700 "$DATA"
  as_postgres "$BIN/initdb" -q -D "$DATA" -A trust -U postgres
fi
if ! pg_up 5433; then
  as_postgres "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -o "-p 5433 -c listen_addresses=127.0.0.1 -k /tmp" start >/dev/null
fi
export HUKUMATI_PG="host=127.0.0.1 port=5433 user=postgres"

#!/usr/bin/env bash
# Make sure a PostgreSQL server answers at 127.0.0.1:5432 with a database `test`.
# Start the local cluster if it is down; install Debian's postgresql (as root) if there is none.
# Never skip: the suite runs every persistence test on PostgreSQL too.
set -euo pipefail
url=${1:-postgresql://postgres@127.0.0.1:5432/test}

answers() { (echo >/dev/tcp/127.0.0.1/5432) >/dev/null 2>&1; }

if ! answers; then
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    if [ "$(id -u)" != 0 ]; then
      echo "PostgreSQL is not installed and this is not root: cannot install it" >&2; exit 1
    fi
    echo "installing Debian's postgresql…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  echo "starting PostgreSQL $version…"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do answers && break; sleep 1; done
fi
answers || { echo "PostgreSQL does not answer at 127.0.0.1:5432" >&2; exit 1; }

# Trust auth for local TCP connections and the `test` database, as on CI.
if ! psql "$url" -c 'select 1' >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    hba=$(ls /etc/postgresql/*/main/pg_hba.conf | head -n 1)
    grep -q "postledger-test" "$hba" || {
      sed -i '1i host all all 127.0.0.1/32 trust # postledger-test' "$hba"
      su postgres -c "psql -qc 'select pg_reload_conf()'" >/dev/null
    }
    su postgres -c "psql -tAc \"select 1 from pg_database where datname='test'\"" | grep -q 1 \
      || su postgres -c "createdb test"
  fi
fi
psql "$url" -c 'select 1' >/dev/null || { echo "cannot connect to $url" >&2; exit 1; }
echo "PostgreSQL answers at $url"

#!/usr/bin/env bash
# Brings up what the test suite needs beyond Node and npm, on a Debian machine, then says what it did:
#   - Chromium (Debian's package) for the browser tests (test/e2e);
#   - nginx (Debian's nginx-light) for the fleet's load balancer and its test (npm run fleet);
#   - a PostgreSQL server with a test role and database for the PostgreSQL store and fleet tests.
# Idempotent: on a machine that has everything it changes nothing. Where it may not install (not
# root and no password-less sudo, or no apt-get), it stops at once with the exact command to run.
#
# Usage: bash scripts/test-services.sh            (prepare only)
#        bash scripts/test-services.sh -- CMD...  (prepare, then run CMD with HALLMARK_TEST_DATABASE_URL set)
set -euo pipefail

CHROMIUM="${HALLMARK_CHROMIUM:-/usr/bin/chromium}"
PG_USER=hallmark
PG_PASSWORD=hallmark
PG_DATABASE=hallmark_test
PG_HOST=127.0.0.1
did=()

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo -n "$@"; else return 77; fi
}

stop_with() {
  echo "test-services: $1" >&2
  echo "  run: $2" >&2
  echo "  then run this command again." >&2
  exit 1
}

apt_install() {
  local packages=("$@")
  if ! command -v apt-get >/dev/null; then
    stop_with "${packages[*]} missing and this machine has no apt-get." "install ${packages[*]} with your package manager"
  fi
  if ! as_root true 2>/dev/null; then
    stop_with "${packages[*]} missing and installing needs root." \
      "sudo apt-get update && sudo apt-get install -y --no-install-recommends ${packages[*]}"
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  did+=("installed ${packages[*]}")
}

# --- Chromium -------------------------------------------------------------------------------------
if [ ! -x "$CHROMIUM" ]; then
  if [ -n "${HALLMARK_CHROMIUM:-}" ]; then
    stop_with "HALLMARK_CHROMIUM=$CHROMIUM is not an executable." "unset HALLMARK_CHROMIUM (to use Debian's /usr/bin/chromium) or point it at a Chromium binary"
  fi
  apt_install chromium
fi

# --- nginx ---------------------------------------------------------------------------------------
# Only the binary: the fleet runs its own nginx with a generated configuration, never the service.
if [ ! -x /usr/sbin/nginx ]; then apt_install nginx-light; fi

# --- PostgreSQL -----------------------------------------------------------------------------------
if [ -z "${HALLMARK_TEST_DATABASE_URL:-}" ]; then
  if ! command -v pg_lsclusters >/dev/null; then apt_install postgresql; fi
  cluster=$(pg_lsclusters --no-header 2>/dev/null | awk 'NR == 1 { print $1 " " $2 " " $3 " " $4 }')
  if [ -z "$cluster" ]; then
    version=$(ls /usr/lib/postgresql | sort -n | tail -1)
    as_root pg_createcluster "$version" main >/dev/null || stop_with "no PostgreSQL cluster, and creating one needs root." "sudo pg_createcluster $version main"
    did+=("created the PostgreSQL $version cluster")
    cluster=$(pg_lsclusters --no-header | awk 'NR == 1 { print $1 " " $2 " " $3 " " $4 }')
  fi
  read -r pg_version pg_cluster pg_port pg_status <<<"$cluster"
  if [ "$pg_status" != "online" ]; then
    as_root pg_ctlcluster --skip-systemctl-redirect "$pg_version" "$pg_cluster" start ||
      stop_with "the PostgreSQL cluster $pg_version/$pg_cluster is down and starting it needs root." \
        "sudo pg_ctlcluster --skip-systemctl-redirect $pg_version $pg_cluster start"
    did+=("started PostgreSQL $pg_version/$pg_cluster on port $pg_port")
  fi
  export HALLMARK_TEST_DATABASE_URL="postgres://$PG_USER:$PG_PASSWORD@$PG_HOST:$pg_port/$PG_DATABASE"
  if ! PGPASSWORD=$PG_PASSWORD PGCONNECT_TIMEOUT=5 psql -h "$PG_HOST" -p "$pg_port" -U "$PG_USER" -d "$PG_DATABASE" -tAc "select 1" >/dev/null 2>&1; then
    # The test role may create databases (one per test suite) and replicate (the fleet's hot standby).
    sql="do \$\$ begin
      if not exists (select from pg_roles where rolname = '$PG_USER') then
        create role $PG_USER login password '$PG_PASSWORD' createdb replication;
      else
        alter role $PG_USER login password '$PG_PASSWORD' createdb replication;
      end if; end \$\$;"
    as_root su postgres -c "psql -q -p $pg_port -v ON_ERROR_STOP=1" <<<"$sql" >/dev/null ||
      stop_with "the test role $PG_USER is missing and creating it needs the postgres superuser." \
        "sudo -u postgres psql -p $pg_port -c \"create role $PG_USER login password '$PG_PASSWORD' createdb replication\" && sudo -u postgres createdb -p $pg_port -O $PG_USER $PG_DATABASE"
    if ! as_root su postgres -c "psql -p $pg_port -tAc \"select 1 from pg_database where datname = '$PG_DATABASE'\"" | grep -q 1; then
      as_root su postgres -c "createdb -p $pg_port -O $PG_USER $PG_DATABASE"
    fi
    did+=("created the role $PG_USER and database $PG_DATABASE")
  fi
fi

if [ ${#did[@]} -eq 0 ]; then
  echo "test-services: Chromium, nginx and PostgreSQL were already there; nothing changed."
else
  summary=$(printf '%s, ' "${did[@]}")
  echo "test-services: ${summary%, }."
fi

if [ "${1:-}" = "--" ]; then
  shift
  exec "$@"
fi

#!/usr/bin/env bash
# Start Debian's PostgreSQL on loopback for the tests and print the URL of a role that may
# create databases (the test fixtures copy a seeded template database per test). Run as root.
set -euo pipefail
version=$(ls /etc/postgresql | sort -V | tail -n 1)
pg_ctlcluster "$version" main start >/dev/null 2>&1 || true
pg_ctlcluster "$version" main status >/dev/null
psql_as_postgres() { su postgres -c "psql -v ON_ERROR_STOP=1 -tAc \"$1\""; }
if [ "$(psql_as_postgres "SELECT 1 FROM pg_roles WHERE rolname = 'ita_test'")" != "1" ]; then
    psql_as_postgres "CREATE ROLE ita_test LOGIN SUPERUSER PASSWORD 'ita_test'" >/dev/null
fi
if [ "$(psql_as_postgres "SELECT 1 FROM pg_database WHERE datname = 'ita_test'")" != "1" ]; then
    su postgres -c "createdb -O ita_test ita_test"
fi
echo "postgresql+psycopg://ita_test:ita_test@127.0.0.1:5432/ita_test"

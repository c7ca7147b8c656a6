#!/usr/bin/env bash
# Install everything the tests need, then run the whole suite (lint + pytest).
# As root on Debian it also installs Chromium, Thai fonts and PostgreSQL, and starts PostgreSQL
# on loopback so the store, write-path and roll-up tests run on both SQLite and PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    missing=""
    [ -x /usr/bin/chromium ] || missing="$missing chromium fonts-thai-tlwg fonts-noto-color-emoji"
    command -v pg_ctlcluster >/dev/null || missing="$missing postgresql"
    # the styled workbook is rendered to PDF in a test (BE dates checked in the PDF text)
    command -v soffice >/dev/null || missing="$missing libreoffice-calc-nogui poppler-utils"
    if [ -n "$missing" ]; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q
        # shellcheck disable=SC2086 - a list of package names
        apt-get install -y -q $missing
    fi
    ITA_TEST_POSTGRES_URL="${ITA_TEST_POSTGRES_URL:-$(bash tests/postgres.sh)}"
    export ITA_TEST_POSTGRES_URL
fi
if [ -n "${CI:-}" ] && [ -z "${ITA_TEST_POSTGRES_URL:-}" ]; then
    echo "CI needs PostgreSQL for the store tests: run as root on Debian or set ITA_TEST_POSTGRES_URL" >&2
    exit 1
fi

python -m pip install -q --disable-pip-version-check -e ".[test]"
python -m ruff check .
python -m pytest "$@"

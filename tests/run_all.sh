#!/usr/bin/env bash
# Install everything the tests need, then run the whole suite (lint + type check + pytest).
#
# The Python packages come from requirements-test.lock into .venv (made when missing, via ./run).
# As root on Debian/Ubuntu it also installs whichever of Chromium, the Thai and emoji fonts,
# PostgreSQL and LibreOffice Calc are missing, and starts PostgreSQL on loopback so the store,
# write-path and roll-up tests run on both SQLite and PostgreSQL.
# ITA_UNLOCKED=1 ITA_VENV=.venv-newest bash tests/run_all.sh tries the newest allowed releases.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[run_all] %s\n' "$*"; }

system_packages() {
    local missing=""
    [ -x /usr/bin/chromium ] || missing="$missing chromium"
    # the browser must draw Thai text and the emoji beside the words (menu, lights)
    dpkg -s fonts-thai-tlwg >/dev/null 2>&1 || missing="$missing fonts-thai-tlwg"
    dpkg -s fonts-noto-color-emoji >/dev/null 2>&1 || missing="$missing fonts-noto-color-emoji"
    command -v pg_ctlcluster >/dev/null || missing="$missing postgresql"
    # the styled workbook is rendered to PDF in a test (BE dates checked in the PDF text)
    command -v soffice >/dev/null || missing="$missing libreoffice-calc-nogui"
    command -v pdftotext >/dev/null || missing="$missing poppler-utils"
    # Carlito has Calibri's metrics, the workbook's default font, which sets the width of a column
    # unit; without it LibreOffice measures columns in DejaVu Sans and prints them a quarter smaller
    dpkg -s fonts-crosextra-carlito >/dev/null 2>&1 || missing="$missing fonts-crosextra-carlito"
    if [ -n "$missing" ]; then
        say "installing:$missing"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q
        # shellcheck disable=SC2086 - a list of package names
        apt-get install -y -q $missing
    fi
}

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    system_packages
    ITA_TEST_POSTGRES_URL="${ITA_TEST_POSTGRES_URL:-$(bash tests/postgres.sh)}"
    export ITA_TEST_POSTGRES_URL
fi
if [ -n "${CI:-}" ] && [ -z "${ITA_TEST_POSTGRES_URL:-}" ]; then
    say "CI needs PostgreSQL for the store tests: run as root on Debian or set ITA_TEST_POSTGRES_URL" >&2
    exit 1
fi

bash ./run install test
PY="${ITA_VENV:-.venv}/bin/python"
say "ruff check"
"$PY" -m ruff check .
say "mypy (strict on ita_core, see [tool.mypy] in pyproject.toml)"
"$PY" -m mypy
say "pytest"
"$PY" -m pytest "$@"

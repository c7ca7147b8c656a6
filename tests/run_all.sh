#!/usr/bin/env bash
# Install everything the tests need, then run the whole suite (lint + pytest).
# As root on Debian it also installs Chromium and Thai fonts for the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null && ! [ -x /usr/bin/chromium ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q chromium fonts-thai-tlwg fonts-noto-color-emoji
fi

python -m pip install -q --disable-pip-version-check -e ".[test]"
python -m ruff check .
python -m pytest "$@"

#!/usr/bin/env bash
# Set up the dev venv (pinned requirements) and run the linters and the whole test suite.
# Usage: ./scripts/test.sh [pytest args…]
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
.venv/bin/ruff check .
.venv/bin/python -m pytest "$@"

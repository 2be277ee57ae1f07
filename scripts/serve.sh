#!/usr/bin/env bash
# Set up the venv, build the index from content/ and serve the API on 127.0.0.1 (default port 8000).
# Usage: ./scripts/serve.sh [PORT]
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
PORT=${1:-8000}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
# The build's readers too: articles may be HTML or Markdown (requirements-build.txt).
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-build.txt
.venv/bin/python scripts/build_index.py
echo "Serving on http://127.0.0.1:$PORT  (try /search?q=reason+for+restless+leg+syndrome)"
exec .venv/bin/python -m flask --app service.wsgi:app run --host 127.0.0.1 --port "$PORT"

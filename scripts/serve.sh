#!/usr/bin/env bash
# Set up the venv, build the index from content/ and serve the API on 127.0.0.1 (default port
# 8000) with gunicorn and its gevent worker (scripts/gunicorn.conf.py), as a host would.
# Usage: ./scripts/serve.sh [PORT] [--reload]
#   --reload (or DEV=1): one worker that restarts when the code changes, for development.
# Example: ./scripts/serve.sh 8080 --reload
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
PORT=8000
RELOAD=()
for arg in "$@"; do
  case $arg in
    --reload) DEV=1 ;;
    -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *[!0-9]*|"") echo "error: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
    *) PORT=$arg ;;
  esac
done
if [ "${DEV:-0}" = 1 ]; then
  RELOAD=(--reload --workers 1)
fi
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
# The server (requirements-serve.txt), the build's readers: articles may be HTML or Markdown
# (requirements-build.txt), and the semantic rerank (requirements-semantic.txt), which a
# self-hosted server can afford where the Lambda zip cannot (docs/relevance.md).
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-serve.txt \
  -r requirements-build.txt -r requirements-semantic.txt
.venv/bin/python scripts/build_index.py
echo "Serving on http://127.0.0.1:$PORT  (try /search?q=reason+for+restless+leg+syndrome)"
BIND="127.0.0.1:$PORT" exec .venv/bin/gunicorn -c scripts/gunicorn.conf.py "${RELOAD[@]}" \
  service.wsgi:app

#!/usr/bin/env bash
# Roll a stage back to an earlier release: its layers, then its code, through the Lambda API.
set -euo pipefail

usage() {
  cat <<'EOF_USAGE'
Usage: scripts/rollback.sh STAGE [--to INDEX_VERSION] [--settings FILE]

Put an earlier release back on the stage's function: by default the previous one (the newest
published version whose code differs from the live code), or the release serving index
INDEX_VERSION (as /health shows it). The releases are the zips scripts/deploy.sh stored in the
stage's S3 bucket; the release's layer versions go back first, then its code, published as a
new Lambda version. Prints which index is live before and after, and how to check it (/health).

Options:
  --to INDEX_VERSION  the index version to go back to (default: the previous release)
  --settings FILE     Zappa settings (default: zappa_settings.json)
  -h, --help          this help

Examples:
  AWS_PROFILE=faq-prod scripts/rollback.sh prod
  AWS_PROFILE=faq-prod scripts/rollback.sh prod --to 19cf1c8986c2
EOF_USAGE
}

cd "$(dirname "$0")/.."
STAGE=""
TO=()
SETTINGS="zappa_settings.json"
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --to | --settings)
      [ $# -ge 2 ] || { echo "error: $1 needs a value" >&2; exit 2; }
      if [ "$1" = --to ]; then TO=(--to "$2"); else SETTINGS=$2; fi
      shift ;;
    -*) echo "error: unknown option $1 (see --help)" >&2; exit 2 ;;
    *)
      [ -z "$STAGE" ] || { echo "error: one STAGE only, got '$STAGE' and '$1'" >&2; exit 2; }
      STAGE=$1 ;;
  esac
  shift
done
[ -n "$STAGE" ] || { usage >&2; exit 2; }
PY=build/deploy-venv/bin/python
if [ ! -x "$PY" ]; then
  echo "error: no packaging venv at build/deploy-venv: run scripts/deploy.sh STAGE --dry-run once" >&2
  exit 1
fi
exec "$PY" scripts/lifecycle.py --settings "$SETTINGS" rollback "$STAGE" "${TO[@]}"

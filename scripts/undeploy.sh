#!/usr/bin/env bash
# Remove a stage: Zappa's undeploy (function, API, schedules, logs), then what the deploy added.
set -euo pipefail

usage() {
  cat <<'EOF_USAGE'
Usage: scripts/undeploy.sh STAGE --yes [--settings FILE]

Remove the stage from AWS: `zappa undeploy STAGE --remove-logs` (the API Gateway stack, the
keep-warm schedule, the function and its logs), then the releases scripts/deploy.sh stored in
the stage's bucket, the versions of the stage's layer, and the execution role Zappa created
(unless manage_roles is false or role_arn is set). The bucket itself stays: it is yours.
Nothing can be rolled back afterwards.

Options:
  --yes            required: there is no undo
  --settings FILE  Zappa settings (default: zappa_settings.json)
  -h, --help       this help

Example:
  AWS_PROFILE=faq-dev scripts/undeploy.sh dev --yes
EOF_USAGE
}

cd "$(dirname "$0")/.."
STAGE=""
YES=0
SETTINGS="zappa_settings.json"
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --yes) YES=1 ;;
    --settings)
      [ $# -ge 2 ] || { echo "error: $1 needs a value" >&2; exit 2; }
      SETTINGS=$2
      shift ;;
    -*) echo "error: unknown option $1 (see --help)" >&2; exit 2 ;;
    *)
      [ -z "$STAGE" ] || { echo "error: one STAGE only, got '$STAGE' and '$1'" >&2; exit 2; }
      STAGE=$1 ;;
  esac
  shift
done
[ -n "$STAGE" ] || { usage >&2; exit 2; }
[ "$YES" = 1 ] || { echo "error: undeploying $STAGE cannot be undone: add --yes" >&2; exit 2; }
PY=build/deploy-venv/bin/python
if [ ! -x "$PY" ]; then
  echo "error: no packaging venv at build/deploy-venv: run scripts/deploy.sh STAGE --dry-run once" >&2
  exit 1
fi
"$PY" scripts/stage_settings.py "$STAGE" --upload --settings "$SETTINGS"
"$PY" scripts/zappa_offline.py undeploy "$STAGE" --yes --remove-logs -s "$SETTINGS"
"$PY" scripts/lifecycle.py --settings "$SETTINGS" forget "$STAGE"
echo "==> $STAGE is undeployed"

#!/usr/bin/env bash
# Redeploy after a content change: build the index -> verify it -> package (function zip and
# layer zip) -> check the package -> publish the layer if new, upload with Zappa. Any failed
# step stops the chain before anything is uploaded.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/deploy.sh STAGE [--dry-run] [--first-deploy] [--content DIR] [--index DIR]
                        [--output ZIP | --package ZIP] [--settings FILE]

Redeploy the service to the Zappa stage STAGE (dev or prod, from zappa_settings.json):
  1. build the index from the content folder           (scripts/build_index.py)
  2. verify it: counts match the content, smoke queries (scripts/verify_index.py)
     find their sections (content/smoke-queries.json),
     every article has a smoke query that finds it
  3. package it with Zappa, offline, byte-compiled,     (scripts/package.py)
     and the layer zip (cryptography) beside it
  4. run the package with its layer as Lambda would,    (scripts/check_artifact.py)
     read-only, with real API Gateway events
  5. publish the layer unless a version with the same   (scripts/publish_layer.py)
     sha256 exists; write the stage's settings with its
     ARN in `layers`; upload: zappa update STAGE -z ZIP -s SETTINGS
     (the first time: the IAM role, then zappa deploy); check the function
     runs ZIP and store ZIP in the stage's bucket as a    (scripts/lifecycle.py record)
     release, for scripts/rollback.sh
Any failed step before the upload stops the chain with a non-zero exit; nothing is uploaded.

Options:
  --dry-run        do steps 1-4 and stop before publishing or uploading anything (what CI runs)
  --first-deploy   create the function and API with `zappa deploy` instead of `zappa update`
  --content DIR    content folder (default: content)
  --index DIR      index folder to build into (default: index_data)
  --output ZIP     package to write (default: build/lambda/STAGE.zip); its layer goes to
                   ZIP's name + -layer.zip, the upload's settings to + -zappa_settings.json
  --package ZIP    upload a package a dry run built (and its -layer.zip beside it) instead of
                   building one: steps 1-3 are skipped, step 4 checks it again
  --settings FILE  Zappa settings (default: zappa_settings.json)
  -h, --help       this help

The upload uses your AWS credentials (e.g. AWS_PROFILE=faq-prod); steps 1-4 never touch AWS.

Roll back with scripts/rollback.sh STAGE; remove a stage with scripts/undeploy.sh STAGE.

Examples:
  scripts/deploy.sh dev --dry-run
  AWS_PROFILE=faq-prod scripts/deploy.sh prod
  scripts/deploy.sh prod --dry-run && AWS_PROFILE=faq-prod scripts/deploy.sh prod --package build/lambda/prod.zip
EOF
}

cd "$(dirname "$0")/.."
ROOT=$(pwd)
STAGE=""
DRY_RUN=0
FIRST=0
CONTENT="content"
INDEX="index_data"
OUTPUT=""
PACKAGE=""
SETTINGS="zappa_settings.json"
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --dry-run) DRY_RUN=1 ;;
    --first-deploy) FIRST=1 ;;
    --content | --index | --output | --package | --settings)
      [ $# -ge 2 ] || { echo "error: $1 needs a value" >&2; exit 2; }
      case "$1" in
        --content) CONTENT=$2 ;;
        --index) INDEX=$2 ;;
        --output) OUTPUT=$2 ;;
        --package) PACKAGE=$2 ;;
        --settings) SETTINGS=$2 ;;
      esac
      shift ;;
    -*) echo "error: unknown option $1 (see --help)" >&2; exit 2 ;;
    *)
      [ -z "$STAGE" ] || { echo "error: one STAGE only, got '$STAGE' and '$1'" >&2; exit 2; }
      STAGE=$1 ;;
  esac
  shift
done
if [ -z "$STAGE" ]; then
  usage >&2
  exit 2
fi
if [ -n "$PACKAGE" ]; then
  [ -z "$OUTPUT" ] || { echo "error: --output and --package exclude each other" >&2; exit 2; }
  [ -f "$PACKAGE" ] || { echo "error: no package at $PACKAGE (build one with --dry-run)" >&2; exit 1; }
  OUTPUT=$PACKAGE
fi
OUTPUT=${OUTPUT:-build/lambda/$STAGE.zip}
# The same names ops/layer.py derives: beside the function zip.
LAYER="${OUTPUT%.zip}-layer.zip"
SETTINGS_OUT="${OUTPUT%.zip}-zappa_settings.json"

# The project's venv runs steps 1-4 (scripts/package.py makes the packaging venv itself).
PY=${PYTHON:-.venv/bin/python}
if [ ! -x "$PY" ] && [ -z "${PYTHON:-}" ]; then
  echo "==> creating .venv (runtime and build requirements)"
  python3 -m venv .venv
  # The build (step 1) reads HTML and Markdown with requirements-build.txt; the package
  # (step 3) installs requirements.txt alone, so none of it reaches Lambda.
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-build.txt
fi

CURRENT_STEP="settings"
trap 'echo "deploy stopped at step: $CURRENT_STEP. Nothing was uploaded." >&2' ERR
step() {
  CURRENT_STEP=$1
  echo "==> $1"
}

step "check the $STAGE settings"
if [ "$DRY_RUN" = 1 ]; then
  "$PY" scripts/stage_settings.py "$STAGE" --settings "$SETTINGS"
else
  "$PY" scripts/stage_settings.py "$STAGE" --upload --settings "$SETTINGS"
fi

if [ -z "$PACKAGE" ]; then
  step "1/5 build the index from $CONTENT"
  "$PY" scripts/build_index.py --quiet --content "$CONTENT" --output "$INDEX"

  step "2/5 verify the index"
  "$PY" scripts/verify_index.py --index "$INDEX" --content "$CONTENT"

  step "3/5 package for Lambda"
  "$PY" scripts/package.py "$STAGE" --index "$INDEX" --output "$OUTPUT" --layer-output "$LAYER" \
    --settings "$SETTINGS"
else
  echo "==> 1-3/5 skipped: uploading the package $PACKAGE"
fi

step "4/5 run the package as Lambda would"
"$PY" scripts/check_artifact.py "$OUTPUT" --layer "$LAYER" --smoke "$CONTENT/smoke-queries.json"

# The index version the package carries (package_info.json, written by scripts/package.py).
VERSION=$("$PY" -c 'import json, sys, zipfile
info = json.loads(zipfile.ZipFile(sys.argv[1]).read("package_info.json"))
built_for = info["stage"]
if built_for != sys.argv[2]:
    sys.exit(f"error: {sys.argv[1]} was packaged for stage {built_for}, not {sys.argv[2]}")
print(info["index_version"])' "$OUTPUT" "$STAGE")
if [ "$DRY_RUN" = 1 ]; then
  trap - ERR
  if [ "$FIRST" = 1 ]; then VERB=deploy; else VERB=update; fi
  echo "==> 5/5 dry run: stopping before anything is published or uploaded; the upload would"
  "$PY" scripts/publish_layer.py "$STAGE" "$LAYER" --settings-out "$SETTINGS_OUT" --dry-run \
    --settings "$SETTINGS"
  echo "  run: zappa $VERB $STAGE -z $OUTPUT -s $SETTINGS_OUT"
  echo "  then store $OUTPUT as a release of $STAGE (for scripts/rollback.sh)"
  "$PY" scripts/stage_settings.py "$STAGE" --cache-notice "$VERSION" --settings "$SETTINGS"
  exit 0
fi

step "5/5 publish the layer and upload"
VENV="$ROOT/build/deploy-venv"
export VIRTUAL_ENV="$VENV" PATH="$VENV/bin:$PATH"
trap 'echo "deploy stopped at step: $CURRENT_STEP, during the upload: \`zappa status $STAGE\` shows what is live" >&2' ERR
# A layer version with this zip's sha256 is reused; the settings written name its ARN.
rm -f "$SETTINGS_OUT"
"$VENV/bin/python" scripts/publish_layer.py "$STAGE" "$LAYER" --settings-out "$SETTINGS_OUT" \
  --settings "$SETTINGS"
# Zappa quietly falls back to settings from the environment when -s names no file.
[ -f "$SETTINGS_OUT" ] || { echo "error: $SETTINGS_OUT was not written" >&2; false; }
if [ "$FIRST" = 1 ]; then
  # `zappa deploy -z` skips Zappa's IAM role set-up: do it as plain `zappa deploy` would.
  "$VENV/bin/python" scripts/zappa_roles.py "$STAGE" --settings "$SETTINGS_OUT"
  "$VENV/bin/python" scripts/zappa_offline.py deploy "$STAGE" -z "$OUTPUT" -s "$SETTINGS_OUT"
else
  "$VENV/bin/python" scripts/zappa_offline.py update "$STAGE" -z "$OUTPUT" -s "$SETTINGS_OUT"
fi
trap 'echo "deploy stopped at step: $CURRENT_STEP: the upload is live, but it was not stored as a release" >&2' ERR
CURRENT_STEP="5/5 record the release"
"$VENV/bin/python" scripts/lifecycle.py --settings "$SETTINGS_OUT" record "$STAGE" "$OUTPUT" \
  --index-version "$VERSION"
trap - ERR
echo "==> deployed index $VERSION to $STAGE; \`zappa status $STAGE\` shows the URL, /health its index_version"
"$PY" scripts/stage_settings.py "$STAGE" --cache-notice "$VERSION" --settings "$SETTINGS"

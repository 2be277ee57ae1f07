"""Read zappa_settings.json: resolve a stage (with "extends") and check it is fit to upload."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_FILE = ROOT / "zappa_settings.json"
PLACEHOLDER = "CHANGE-ME"


class SettingsError(Exception):
    """The Zappa settings are missing, malformed or not ready for the requested step."""


def load_settings(path: Path = SETTINGS_FILE) -> dict:
    """Return every stage of the settings file."""
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError as exc:
        raise SettingsError(f"{path}: not found; it defines the dev and prod stages") from exc
    except ValueError as exc:
        raise SettingsError(f"{path}: not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or not data:
        raise SettingsError(f"{path}: expected an object of stages such as 'dev' and 'prod'")
    return data


def stage_settings(stage: str, path: Path = SETTINGS_FILE) -> dict:
    """Return one stage's settings as Zappa resolves them ("extends" merged, shallowly)."""
    stages = load_settings(path)
    chain: list[str] = []
    name: str | None = stage
    merged: dict = {}
    while name:
        if name in chain:
            raise SettingsError(f"{path}: circular 'extends': {' -> '.join([*chain, name])}")
        if name not in stages:
            known = ", ".join(sorted(stages))
            raise SettingsError(f"unknown stage {name!r} in {path.name}; known stages: {known}")
        chain.append(name)
        merged = {**stages[name], **merged}
        name = stages[name].get("extends")
    merged.pop("extends", None)
    return merged


def stage_settings_or_report(stage: str, path: Path = SETTINGS_FILE) -> dict | None:
    """Return the stage's settings, or print why they cannot be read and return None."""
    try:
        return stage_settings(stage, path)
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None


def upload_problems(settings: dict) -> list[str]:
    """Return what must be fixed before this stage can be uploaded to AWS."""
    problems = []
    bucket = str(settings.get("s3_bucket", ""))
    if not bucket or PLACEHOLDER in bucket:
        problems.append(
            f"s3_bucket is {bucket!r}: set it to an S3 bucket you own for Zappa's uploads"
        )
    for key in ("app_function", "runtime", "aws_region"):
        if not settings.get(key):
            problems.append(f"{key} is not set")
    if settings.get("slim_handler"):
        problems.append("slim_handler must stay false: the artifact test checks a single zip")
    return problems


def cache_notice(stage: str, version: str, settings: dict) -> str:
    """Return what ops must invalidate or wait for after index version goes live on stage."""
    env = settings.get("environment_variables", {})
    max_age = env.get("CACHE_MAX_AGE", "60")
    s_maxage = env.get("CACHE_S_MAXAGE", "300")
    return "\n".join(
        [
            f"After the upload, index {version} answers on {stage}; cached answers from the",
            "previous index live on until they expire or are invalidated:",
            f"  - browsers: up to {max_age} s (Cache-Control max-age); nothing to do",
            f"  - a CDN or shared cache in front of the API: up to {s_maxage} s (s-maxage), or",
            "    invalidate now, e.g. CloudFront: aws cloudfront create-invalidation "
            "--distribution-id <ID> --paths '/*' (every response depends on the index)",
            "  - the API Gateway stage cache, if you enabled one: aws apigateway "
            f"flush-stage-cache --rest-api-id <API ID> --stage-name {stage}",
            f'Check what is live: curl <API URL>/health shows "index_version": "{version}"; '
            "search and answer responses carry it too.",
            f"Roll back: scripts/rollback.sh {stage} (says which index is live before and after), "
            "then invalidate the same caches.",
        ]
    )

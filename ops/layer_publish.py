"""Publish a stage's layer zip (unless AWS already has it) and write the Zappa settings that
attach it.

A layer version is immutable and identified by the SHA-256 of its zip, written into its
description: when a version of the stage's layer already carries that hash, it is reused, so a
content deploy uploads no layer. The upload's Zappa settings are the stage's, resolved, with
that version's ARN in `layers` (Zappa sets a function's layers from it on `deploy`/`update`).
It needs boto3: run it with the packaging venv's python from the repository root
(scripts/deploy.sh does). --dry-run says what it would do and touches nothing.

Example:
    build/deploy-venv/bin/python -m ops.layer_publish prod build/lambda/prod-layer.zip \\
        --settings-out build/lambda/prod-zappa_settings.json
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from .layer import (
    HASH_MARK,
    LAYER_DISTRIBUTIONS,
    LAYER_RUNTIME,
    layer_name,
    sha256_of,
)
from .settings import SETTINGS_FILE, stage_settings_or_report
from .venvs import RUNTIME_REQUIREMENTS, canonical, read_pins

_HASH = re.compile(re.escape(HASH_MARK) + r"([0-9a-f]{64})\b")
# Lambda's limit on a layer version's description.
DESCRIPTION_LIMIT = 256


def description_for(sha256: str, pins: dict[str, str]) -> str:
    """Return the layer version's description: what it holds, then sha256:HASH."""
    held = ", ".join(f"{name} {pins.get(canonical(name), '?')}" for name in LAYER_DISTRIBUTIONS)
    return f"{held} for python3.11 x86_64; {HASH_MARK}{sha256}"[-DESCRIPTION_LIMIT:]


def hash_in(description: str | None) -> str | None:
    """Return the SHA-256 a layer version's description carries, if any."""
    found = _HASH.search(description or "")
    return found.group(1) if found else None


def find_version(client: Any, name: str, sha256: str) -> str | None:
    """Return the ARN of the newest version of layer name whose zip has sha256, or None."""
    matches: list[dict] = []
    marker = None
    while True:
        try:
            page = client.list_layer_versions(
                LayerName=name, **({"Marker": marker} if marker else {})
            )
        except client.exceptions.ResourceNotFoundException:
            return None  # never published
        matches += [
            v for v in page.get("LayerVersions", []) if hash_in(v.get("Description")) == sha256
        ]
        marker = page.get("NextMarker")
        if not marker:
            break
    return max(matches, key=lambda v: v["Version"])["LayerVersionArn"] if matches else None


def publish_or_reuse(
    client: Any, name: str, layer_zip: Path, pins: dict[str, str]
) -> tuple[str, bool]:
    """Return (the ARN of a version of layer name holding layer_zip, whether it was published)."""
    sha256 = sha256_of(layer_zip)
    existing = find_version(client, name, sha256)
    if existing:
        return existing, False
    published = client.publish_layer_version(
        LayerName=name,
        Description=description_for(sha256, pins),
        Content={"ZipFile": layer_zip.read_bytes()},
        CompatibleRuntimes=[LAYER_RUNTIME],
        CompatibleArchitectures=["x86_64"],
    )
    return published["LayerVersionArn"], True


def _layer_of(arn: str) -> str:
    # arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION -> everything but the version
    return arn.rsplit(":", 1)[0]


def with_layer(settings: dict, stage: str, arn: str) -> dict:
    """Return a Zappa settings file holding only stage, resolved, with arn in its `layers`.

    Other layers the stage lists are kept; an older version of the same layer is replaced.
    """
    kept = [x for x in settings.get("layers") or [] if _layer_of(x) != _layer_of(arn)]
    return {stage: {**settings, "layers": [*kept, arn]}}


def write_settings(path: Path, settings: dict) -> None:
    """Write the derived Zappa settings file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(settings, indent=1) + "\n")


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, publish or reuse the layer, write the settings; exit 1 on failure."""
    parser = argparse.ArgumentParser(
        prog="python -m ops.layer_publish",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("stage", help="stage in zappa_settings.json, e.g. dev or prod")
    parser.add_argument("layer_zip", type=Path, help="layer zip from scripts/package.py")
    parser.add_argument(
        "--settings-out",
        type=Path,
        required=True,
        help="Zappa settings file to write, e.g. build/lambda/prod-zappa_settings.json",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="say what would be done; touch nothing"
    )
    parser.add_argument(
        "--settings",
        type=Path,
        default=SETTINGS_FILE,
        help="Zappa settings file (default: zappa_settings.json)",
    )
    args = parser.parse_args(argv)
    settings = stage_settings_or_report(args.stage, args.settings)
    if settings is None:
        return 1
    if not args.layer_zip.is_file():
        print(f"error: no layer zip at {args.layer_zip}: run scripts/package.py", file=sys.stderr)
        return 1
    name = layer_name(settings, args.stage)
    sha256 = sha256_of(args.layer_zip)
    out = args.settings_out
    if args.dry_run:
        print(
            f"  publish {args.layer_zip} as a version of layer {name} ({LAYER_RUNTIME}), "
            f"unless one's description already ends {HASH_MARK}{sha256}\n"
            f"  write {out}: stage {args.stage} with that version's ARN in its layers"
        )
        return 0
    try:
        import boto3
        import botocore.exceptions
    except ImportError:
        print(
            "error: run this with the packaging venv's python (build/deploy-venv)", file=sys.stderr
        )
        return 1
    session = boto3.Session(
        profile_name=settings.get("profile_name") or None, region_name=settings.get("aws_region")
    )
    try:
        arn, published = publish_or_reuse(
            session.client("lambda"), name, args.layer_zip, read_pins(RUNTIME_REQUIREMENTS)
        )
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
        print(f"error: cannot publish layer {name}: {exc}", file=sys.stderr)
        return 1
    write_settings(out, with_layer(settings, args.stage, arn))
    print(f"{'published' if published else 'reusing'} layer version {arn}")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Publish a stage's layer zip unless AWS already has it (ops/layer_publish.py: a version whose
description carries the zip's SHA-256 is reused), and write the Zappa settings that attach it.
It needs boto3: run it with the packaging venv's python from the repository root
(scripts/deploy.sh does). --dry-run says what it would do and touches nothing.

Example:
    build/deploy-venv/bin/python scripts/publish_layer.py prod build/lambda/prod-layer.zip \\
        --settings-out build/lambda/prod-zappa_settings.json
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ops.layer import HASH_MARK, LAYER_RUNTIME, layer_name, sha256_of  # noqa: E402
from ops.layer_publish import publish_or_reuse, with_layer, write_settings  # noqa: E402
from ops.settings import SETTINGS_FILE, stage_settings_or_report  # noqa: E402
from ops.venvs import RUNTIME_REQUIREMENTS, read_pins  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, publish or reuse the layer, write the settings; exit 1 on failure."""
    parser = argparse.ArgumentParser(
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

#!/usr/bin/env python3
"""The stage's life after Zappa: record what went live, roll back to a release, clean up.

    record STAGE ZIP --index-version V   after `zappa deploy/update`: check the function runs
                                         ZIP, store it as a release, drop releases no retained
                                         version runs, say what is live and how to check it
    rollback STAGE [--to V]              put the previous release (or the one serving index V)
                                         back: its layers, then its code; say what was live
                                         before and is live after
    forget STAGE                         after `zappa undeploy`: delete the stage's releases,
                                         its layer versions and the execution role Zappa made

Run with the packaging venv's python from the repository root (scripts/deploy.sh,
scripts/rollback.sh and scripts/undeploy.sh do). AWS_PROFILE and AWS_ENDPOINT_URL apply.

Example:
    build/deploy-venv/bin/python scripts/lifecycle.py rollback prod --to 19cf1c8986c2
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ops import lifecycle, releases  # noqa: E402
from ops.settings import SETTINGS_FILE, stage_settings_or_report  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run one subcommand; exit 1 with AWS's reason when a step fails."""
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--settings", type=Path, default=SETTINGS_FILE, help="Zappa settings")
    commands = parser.add_subparsers(dest="command", required=True)
    record = commands.add_parser("record", help="store the zip that went live as a release")
    record.add_argument("stage")
    record.add_argument("zip", type=Path)
    record.add_argument("--index-version", required=True)
    rollback = commands.add_parser("rollback", help="put an earlier release back")
    rollback.add_argument("stage")
    rollback.add_argument("--to", metavar="INDEX_VERSION", help="default: the previous release")
    forget = commands.add_parser("forget", help="delete releases, layers and role after undeploy")
    forget.add_argument("stage")
    args = parser.parse_args(argv)
    settings = stage_settings_or_report(args.stage, args.settings)
    if settings is None:
        return 1
    try:
        import botocore.exceptions
    except ImportError:
        print(
            "error: run this with the packaging venv's python (build/deploy-venv)", file=sys.stderr
        )
        return 1
    try:
        stage = lifecycle.Stage(args.stage, settings)
        if args.command == "record":
            return lifecycle.record(stage, args.zip, args.index_version)
        if args.command == "rollback":
            return lifecycle.rollback(stage, args.to)
        return lifecycle.forget(stage)
    except releases.ReleaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
        print(f"error: {args.command} {args.stage} failed: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

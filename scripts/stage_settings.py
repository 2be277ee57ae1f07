#!/usr/bin/env python3
"""Check a Zappa stage in zappa_settings.json (ops/settings.py): that it exists, with --upload
that it can be uploaded, and with --cache-notice what to invalidate once an index is live.

Examples:
    python scripts/stage_settings.py prod --upload
    python scripts/stage_settings.py prod --cache-notice f81385f0f1bc
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ops.settings import (  # noqa: E402
    SETTINGS_FILE,
    cache_notice,
    stage_settings_or_report,
    upload_problems,
)


def main(argv: list[str] | None = None) -> int:
    """Check a stage exists (and, with --upload, that it can be uploaded); exit 1 if not."""
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("stage", help="stage name, e.g. dev or prod")
    parser.add_argument(
        "--upload", action="store_true", help="also require what an upload needs (a real bucket)"
    )
    parser.add_argument(
        "--cache-notice",
        metavar="VERSION",
        help="print what to invalidate once index VERSION is live on the stage",
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
    problems = upload_problems(settings) if args.upload else []
    for problem in problems:
        print(f"error: stage {args.stage}: {problem} (in {args.settings.name})", file=sys.stderr)
    if args.cache_notice and not problems:
        print(cache_notice(args.stage, args.cache_notice, settings))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

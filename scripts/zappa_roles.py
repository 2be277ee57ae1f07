#!/usr/bin/env python3
"""Create or update a stage's Lambda execution role as `zappa deploy` does (ops/zappa_roles.py).

`zappa deploy -z ZIP` skips Zappa's role management, so the first deploy of the checked package
runs this first. It needs Zappa: run it with the packaging venv's python from the repository root
(scripts/deploy.sh --first-deploy does).

Example:
    build/deploy-venv/bin/python scripts/zappa_roles.py prod
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ops.zappa_roles import ensure_roles  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, ensure the role; exit 1 with AWS's reason when it cannot."""
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("stage", help="stage in zappa_settings.json, e.g. dev or prod")
    parser.add_argument(
        "--settings", help="Zappa settings file (default: zappa_settings.json here)"
    )
    args = parser.parse_args(argv)
    try:
        import botocore.exceptions
    except ImportError:
        print(
            "error: run this with the packaging venv's python (build/deploy-venv)", file=sys.stderr
        )
        return 1
    try:
        print(ensure_roles(args.stage, args.settings))
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
        print(f"error: cannot set up the IAM role for {args.stage}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

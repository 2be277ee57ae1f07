"""Create or update a stage's Lambda execution role the way `zappa deploy` does.

`zappa deploy -z ZIP` (deploying an already built package) skips Zappa's role management, so
the first deploy of the checked package runs this first. It needs Zappa: run it with the
packaging venv's python from the repository root (scripts/deploy.sh --first-deploy does).

Example:
    build/deploy-venv/bin/python -m ops.zappa_roles prod
"""

from __future__ import annotations

import argparse
import sys


def ensure_roles(stage: str, settings_file: str | None = None) -> str:
    """Create or update the stage's IAM role (unless manage_roles is false); say what was done."""
    from zappa.cli import ZappaCLI  # only in the packaging venv

    cli = ZappaCLI()
    cli.api_stage = stage
    cli.load_settings(settings_file)
    if not cli.manage_roles:
        return (
            f"manage_roles is false: the function will use the existing role {cli.zappa.role_name}"
        )
    cli.zappa.create_iam_roles()
    return f"IAM role {cli.zappa.role_name} is ready"


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, ensure the role; exit 1 with AWS's reason when it cannot."""
    parser = argparse.ArgumentParser(
        prog="python -m ops.zappa_roles",
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

#!/usr/bin/env python3
"""Build the Lambda zip for a stage: `zappa package` offline (fake credentials, no network),
byte-compiled with unchecked-hash .pyc, rezipped deterministically, checked, and its size
reported; and beside it the Lambda layer zip with `cryptography` and what only it needs
(python/..., mounted at /opt/python on Lambda), built and checked the same way. Creates or
reuses the packaging venv build/deploy-venv (requirements-deploy.txt).

Example:
    python scripts/package.py dev --index index_data --output build/lambda/dev.zip
    (writes build/lambda/dev.zip and build/lambda/dev-layer.zip)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from index.errors import SearchError  # noqa: E402
from ops.package import PackagingError, build_package  # noqa: E402
from ops.settings import SETTINGS_FILE, SettingsError  # noqa: E402
from ops.venvs import DEPLOY_VENV, EnvironmentSetupError  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, build and check the package, print the size report; exit 1 on failure."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("stage", help="stage in zappa_settings.json, e.g. dev or prod")
    parser.add_argument(
        "--index", type=Path, default=ROOT / "index_data", help="built index (default: index_data/)"
    )
    parser.add_argument(
        "--output", type=Path, help="zip to write (default: build/lambda/STAGE.zip)"
    )
    parser.add_argument(
        "--layer-output",
        type=Path,
        help="layer zip to write (default: beside the zip, e.g. build/lambda/STAGE-layer.zip)",
    )
    parser.add_argument(
        "--no-compile",
        action="store_true",
        help="skip byte-compiling (only to measure what compiling saves at cold start)",
    )
    parser.add_argument(
        "--venv", type=Path, default=DEPLOY_VENV, help="packaging venv (default: build/deploy-venv)"
    )
    parser.add_argument(
        "--settings",
        type=Path,
        default=SETTINGS_FILE,
        help="Zappa settings file (default: zappa_settings.json)",
    )
    args = parser.parse_args(argv)
    output = args.output or ROOT / "build" / "lambda" / f"{args.stage}.zip"
    try:
        report = build_package(
            args.stage,
            args.index,
            output,
            not args.no_compile,
            args.venv,
            settings_path=args.settings,
            layer_output=args.layer_output,
        )
    except (SettingsError, PackagingError, EnvironmentSetupError, SearchError) as exc:
        print(f"package failed: {exc}", file=sys.stderr)
        return 1
    print("\n".join(report.lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

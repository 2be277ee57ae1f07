#!/usr/bin/env python3
"""Measure the Lambda cold path of built packages (bench/cold.py): each run is a fresh clean
interpreter on the unpacked, read-only package and its layer (ZIP's name + -layer.zip, mounted as
Lambda's /opt/python when it exists; as scripts/check_artifact.py runs them) that imports Zappa's
handler and answers one REST API /answer event; the packages take turns. Prints medians; compare
a normal package with one built with --no-compile to see what byte-compiling saves. Figures, not
a test: the machine is shared.

Example:
    python scripts/package.py dev --no-compile --output build/lambda/dev-nocompile.zip
    python scripts/cold_start.py build/lambda/dev.zip build/lambda/dev-nocompile.zip --runs 15
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cold import measure_zips  # noqa: E402
from ops.artifact import ArtifactError  # noqa: E402
from ops.venvs import EnvironmentSetupError, ensure_deploy_venv, ensure_lambda_runtime  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, measure each package, print a table; exit 1 if a package fails."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("zips", nargs="+", type=Path, metavar="ZIP", help="built packages")
    parser.add_argument("--runs", type=int, default=10, help="cold starts per package (default 10)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    try:
        runtime = ensure_lambda_runtime(venv=ensure_deploy_venv())
        rows = list(zip(args.zips, measure_zips(args.zips, runtime, args.runs), strict=True))
    except (ArtifactError, EnvironmentSetupError, OSError) as exc:
        print(f"cold start failed: {exc}", file=sys.stderr)
        return 1
    print(f"median of {args.runs} cold starts (ms): import handler | first event | both | process")
    for path, t in rows:
        print(
            f"  {path}: {t['import_ms']:7.0f} | {t['first_event_ms']:7.0f} | {t['cold_ms']:7.0f}"
            f" | {t['wall_ms']:7.0f}"
        )
    if len(rows) > 1 and rows[0][1]["cold_ms"]:
        for path, t in rows[1:]:
            print(f"  {path} / {rows[0][0]}: {t['cold_ms'] / rows[0][1]['cold_ms']:.2f}x cold path")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Run Zappa's own command line from an empty folder and without its request to PyPI (why:
ops/zappa_cli.py). Run it with the packaging venv's python; its arguments are Zappa's.

Example:
    build/deploy-venv/bin/python scripts/zappa_offline.py update prod -z build/lambda/prod.zip \\
        -s build/lambda/prod-zappa_settings.json
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ops.zappa_cli import OFFLINE_MAIN, absolute_paths  # noqa: E402


def main() -> None:
    """Run Zappa with this process's arguments, path options made absolute, in an empty folder."""
    sys.argv[1:] = absolute_paths(sys.argv[1:])
    with tempfile.TemporaryDirectory(prefix="zappa-run-") as empty:
        os.chdir(empty)
        exec(OFFLINE_MAIN)


if __name__ == "__main__":
    main()

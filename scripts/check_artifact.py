#!/usr/bin/env python3
"""Run a built Lambda zip as Lambda would, offline, and check its answers: unpack it and its
layer read-only, start a clean interpreter (empty environment, python -I -S, sys.path = the
package, the layer's python/ folder as /opt/python, boto3 alone), import Zappa's handler and
send it real API Gateway events: each smoke query as a REST (v1) /answer and an HTTP API (v2)
/search event, plus /health, a 400, a 404, a base64 POST and an unsigned Alexa request (refused
by the verifier, whose cryptography must come from the layer). Prints the cold path (import +
first event).

Example:
    python scripts/check_artifact.py build/lambda/dev.zip
    (runs it with its layer build/lambda/dev-layer.zip)
"""

from __future__ import annotations

import argparse
import json
import sys
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from index.errors import SearchError  # noqa: E402
from index.verify import SMOKE_FILE, load_smoke  # noqa: E402
from ops.artifact import ArtifactError, check_artifact  # noqa: E402
from ops.layer import layer_path_for  # noqa: E402
from ops.offline import readonly_enforced  # noqa: E402
from ops.venvs import EnvironmentSetupError, ensure_deploy_venv, ensure_lambda_runtime  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the events through the package; exit 1 on any wrong answer."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("zip", type=Path, help="package built by scripts/package.py")
    parser.add_argument(
        "--smoke",
        type=Path,
        default=ROOT / "content" / SMOKE_FILE,
        help=f"smoke query file (default: content/{SMOKE_FILE})",
    )
    parser.add_argument(
        "--layer",
        type=Path,
        help="the package's layer zip (default: beside it, e.g. build/lambda/dev-layer.zip)",
    )
    args = parser.parse_args(argv)
    layer = args.layer or layer_path_for(args.zip)
    try:
        with zipfile.ZipFile(args.zip) as archive:
            stage = json.loads(archive.read("package_info.json"))["stage"]
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        print(
            f"check failed: {args.zip} is not a package from scripts/package.py: {exc}",
            file=sys.stderr,
        )
        return 1
    if not layer.is_file():
        print(
            f"check failed: no layer zip at {layer}; scripts/package.py writes it beside the "
            "package (or pass --layer)",
            file=sys.stderr,
        )
        return 1
    try:
        smoke = load_smoke(args.smoke)
        runtime = ensure_lambda_runtime(venv=ensure_deploy_venv())
        invocation, problems = check_artifact(
            args.zip, runtime, smoke, f"faq-search-{stage}", layer
        )
    except (SearchError, ArtifactError, EnvironmentSetupError) as exc:
        print(f"check failed: {exc}", file=sys.stderr)
        return 1
    if problems:
        print(f"check failed for {args.zip}:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    t = invocation.timings
    print(
        f"artifact {args.zip} OK with layer {layer.name}: {len(invocation.responses)} API Gateway "
        f"events (REST v1 and HTTP API v2) answered as expected by handler.lambda_handler; "
        f"loaded from the layer: {', '.join(invocation.loaded_from_layer)}\n"
        f"  cold path {t['cold_ms']:.0f} ms (import {t['import_ms']:.0f} ms + first event "
        f"{t['first_event_ms']:.0f} ms); process wall time {invocation.wall_ms:.0f} ms; "
        f"package and layer "
        f"{'read-only' if readonly_enforced() else 'NOT read-only (root, no unshare)'}, "
        f"{'no network' if invocation.isolated else 'network not isolated (env guards only)'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

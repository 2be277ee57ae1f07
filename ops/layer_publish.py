"""Publish a stage's layer zip (unless AWS already has it) and write the Zappa settings that
attach it.

A layer version is immutable and identified by the SHA-256 of its zip, written into its
description: when a version of the stage's layer already carries that hash, it is reused, so a
content deploy uploads no layer. The upload's Zappa settings are the stage's, resolved, with
that version's ARN in `layers` (Zappa sets a function's layers from it on `deploy`/`update`).
It needs boto3; scripts/publish_layer.py is the command line.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .layer import (
    HASH_MARK,
    LAYER_DISTRIBUTIONS,
    LAYER_RUNTIME,
    sha256_of,
)
from .venvs import canonical

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

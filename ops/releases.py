"""Releases: every zip a deploy made live, kept in the stage's S3 bucket, and the rollback to one.

After each upload the deploy stores the exact zip it checked under
`LAMBDA_NAME/releases/SHA256.zip` with the index version and the layer ARNs it ran with in the
object's metadata. Lambda names each published version's code by the same SHA-256 (base64), so
the function's versions and these objects together say which index each version serves.

A rollback puts a release back on the function through the Lambda API: the release's layers
first, then its code, published as a new version, so code and layer stay paired. It needs no
download from Lambda (`zappa rollback` fetches the old code from a presigned URL instead) and
works on whatever Zappa last deployed. Needs boto3: run with the packaging venv's python.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Any

RELEASES = "releases"
_INDEX_KEY = "index-version"
_LAYERS_KEY = "layers"
_HEX_SHA256 = re.compile(r"[0-9a-fA-F]{64}")


class ReleaseError(Exception):
    """The stage has no such release, nothing to roll back to, or AWS refused a step."""


@dataclass(frozen=True)
class Release:
    """One deployed zip: its SHA-256 (hex), S3 key, index version and layers."""

    sha256: str
    key: str
    index_version: str
    layers: tuple[str, ...]


@dataclass(frozen=True)
class LiveState:
    """What the function runs now: code SHA-256 (hex), layers, the newest version number."""

    sha256: str
    layers: tuple[str, ...]
    versions: tuple[tuple[int, str], ...]  # (version number, code SHA-256 hex), oldest first


def hex_of(code_sha256: str) -> str:
    """Return the hex SHA-256 of Lambda's base64 CodeSha256."""
    if _HEX_SHA256.fullmatch(code_sha256):
        return code_sha256.lower()  # already hex (as some emulators answer)
    try:
        return base64.b64decode(code_sha256, validate=True).hex()
    except (binascii.Error, ValueError):
        return code_sha256


def lambda_name(settings: dict, stage: str) -> str:
    """Return the stage's function name as Zappa derives it (project_name-stage)."""
    return f"{settings.get('project_name', 'faq-search')}-{stage}".lower()


def release_key(function: str, sha256: str) -> str:
    """Return the S3 key of the release with this zip SHA-256."""
    return f"{function}/{RELEASES}/{sha256}.zip"


def record(
    s3: Any, bucket: str, function: str, zip_bytes: bytes, sha256: str, index: str, layers: list
) -> Release:
    """Store a deployed zip as a release (the same bytes keep the same key)."""
    key = release_key(function, sha256)
    s3.put_object(
        Bucket=bucket,
        Key=key,
        Body=zip_bytes,
        Metadata={_INDEX_KEY: index, _LAYERS_KEY: ",".join(layers)},
    )
    return Release(sha256, key, index, tuple(layers))


def releases(s3: Any, bucket: str, function: str) -> dict[str, Release]:
    """Return every stored release of the function, by zip SHA-256."""
    found: dict[str, Release] = {}
    prefix = f"{function}/{RELEASES}/"
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            key = item["Key"]
            sha = key.removeprefix(prefix).removesuffix(".zip")
            meta = s3.head_object(Bucket=bucket, Key=key).get("Metadata", {})
            layers = tuple(x for x in meta.get(_LAYERS_KEY, "").split(",") if x)
            found[sha] = Release(sha, key, meta.get(_INDEX_KEY, "?"), layers)
    return found


def live_state(client: Any, function: str) -> LiveState:
    """Read the function's current code, layers and published versions."""
    config = client.get_function(FunctionName=function)["Configuration"]
    versions: list[tuple[int, str]] = []
    for page in client.get_paginator("list_versions_by_function").paginate(FunctionName=function):
        for item in page.get("Versions", []):
            if item["Version"] != "$LATEST":
                versions.append((int(item["Version"]), hex_of(item["CodeSha256"])))
    return LiveState(
        sha256=hex_of(config["CodeSha256"]),
        layers=tuple(layer["Arn"] for layer in config.get("Layers", [])),
        versions=tuple(sorted(versions)),
    )


def choose_target(state: LiveState, known: dict[str, Release], to: str | None) -> Release:
    """Return the release to roll back to: the one serving index `to`, or the newest published
    version whose code differs from the live code."""
    if to:
        matches = [r for r in known.values() if r.index_version == to]
        if not matches:
            listed = ", ".join(sorted({r.index_version for r in known.values()})) or "none"
            raise ReleaseError(f"no release serves index {to}; stored releases serve: {listed}")
        # The newest deployed one, when the same index was packaged more than once.
        order = {sha: number for number, sha in state.versions}
        return max(matches, key=lambda r: order.get(r.sha256, -1))
    for _, sha in reversed(state.versions):
        if sha != state.sha256 and sha in known:
            return known[sha]
    raise ReleaseError(
        "nothing to roll back to: no earlier version of the function has a stored release "
        "with other code (deploy with scripts/deploy.sh to store releases)"
    )


def apply(client: Any, function: str, bucket: str, target: Release, state: LiveState) -> None:
    """Put target's layers, then its code (published as a new version), on the function."""
    waiter = client.get_waiter("function_updated_v2")
    if tuple(target.layers) != state.layers:
        client.update_function_configuration(FunctionName=function, Layers=list(target.layers))
        waiter.wait(FunctionName=function)
    client.update_function_code(
        FunctionName=function, S3Bucket=bucket, S3Key=target.key, Publish=True
    )
    waiter.wait(FunctionName=function)


def prune(s3: Any, bucket: str, function: str, state: LiveState, known: dict) -> list[str]:
    """Delete releases no retained version runs (Zappa keeps num_retained_versions)."""
    kept = {sha for _, sha in state.versions} | {state.sha256}
    gone = [r.key for sha, r in known.items() if sha not in kept]
    for key in gone:
        s3.delete_object(Bucket=bucket, Key=key)
    return gone


def forget(s3: Any, bucket: str, function: str) -> int:
    """Delete every stored release of the function (after an undeploy); return how many."""
    known = releases(s3, bucket, function)
    for release in known.values():
        s3.delete_object(Bucket=bucket, Key=release.key)
    return len(known)


def rest_apis(apigateway: Any, function: str) -> list[str]:
    """Return the ids of the REST APIs Zappa made for the function (named after it)."""
    return [
        api["id"]
        for page in apigateway.get_paginator("get_rest_apis").paginate()
        for api in page.get("items", [])
        if api.get("name") == function
    ]


def api_url(apigateway: Any, function: str, stage: str, region: str) -> str | None:
    """Return the stage's API Gateway URL (what /health is checked on), if the API exists."""
    for api in rest_apis(apigateway, function):
        return f"https://{api}.execute-api.{region}.amazonaws.com/{stage}"
    return None

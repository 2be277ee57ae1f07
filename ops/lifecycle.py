"""The stage's life after Zappa: record what went live, roll back to a release, clean up.

Each step prints what it did and returns an exit code; scripts/lifecycle.py is the command line.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from . import releases
from .layer import layer_name, sha256_of


class Stage:
    """A stage's settings and the AWS clients for it."""

    def __init__(self, stage: str, settings: dict):
        import boto3

        self.stage = stage
        self.settings = settings
        self.region = settings.get("aws_region") or "us-east-1"
        self.function = releases.lambda_name(settings, stage)
        self.bucket = settings.get("s3_bucket", "")
        session = boto3.Session(
            profile_name=settings.get("profile_name") or None, region_name=self.region
        )
        self.lambda_ = session.client("lambda")
        self.s3 = session.client("s3")
        self.iam = session.client("iam")
        self.apigateway = session.client("apigateway")

    def describe(self, state: releases.LiveState, known: dict) -> str:
        """Return 'index V (Lambda version N)' for what the function runs now."""
        release = known.get(state.sha256)
        index = release.index_version if release else "unknown (not deployed by scripts/deploy.sh)"
        numbers = [n for n, sha in state.versions if sha == state.sha256]
        version = f"Lambda version {numbers[-1]}" if numbers else "unpublished code"
        return f"index {index} ({version}, code sha256 {state.sha256[:12]})"

    def how_to_check(self, index: str) -> str:
        """Return the command that shows which index answers, with what it should say."""
        url = releases.api_url(self.apigateway, self.function, self.stage, self.region)
        url = url or "<API URL from `zappa status " + self.stage + "`>"
        return f'check: curl -s {url}/health  ->  "index_version": "{index}"'


def record(stage: Stage, zip_path: Path, index: str) -> int:
    """Check the function runs zip_path, store it as a release, prune, say what is live."""
    sha = sha256_of(zip_path)
    state = releases.live_state(stage.lambda_, stage.function)
    if state.sha256 != sha:
        print(
            f"error: {stage.function} runs code sha256 {state.sha256}, not {zip_path} "
            f"({sha}): the upload did not take; run the deploy again",
            file=sys.stderr,
        )
        return 1
    releases.record(
        stage.s3, stage.bucket, stage.function, zip_path.read_bytes(), sha, index, state.layers
    )
    known = releases.releases(stage.s3, stage.bucket, stage.function)
    dropped = releases.prune(stage.s3, stage.bucket, stage.function, state, known)
    for key in dropped:
        known.pop(key.rsplit("/", 1)[1].removesuffix(".zip"), None)
    print(f"live on {stage.stage}: {stage.describe(state, known)}")
    print(f"stored the release as s3://{stage.bucket}/{releases.release_key(stage.function, sha)}")
    if dropped:
        print(f"dropped {len(dropped)} release(s) no retained version runs")
    print(stage.how_to_check(index))
    return 0


def rollback(stage: Stage, to: str | None) -> int:
    """Put the previous release (or the one serving index to) back; say what is live."""
    state = releases.live_state(stage.lambda_, stage.function)
    known = releases.releases(stage.s3, stage.bucket, stage.function)
    print(f"live before: {stage.describe(state, known)}")
    target = releases.choose_target(state, known, to)
    if target.sha256 == state.sha256:
        print(f"index {target.index_version} is already live; nothing to do")
        return 0
    releases.apply(stage.lambda_, stage.function, stage.bucket, target, state)
    after = releases.live_state(stage.lambda_, stage.function)
    if after.sha256 != target.sha256:
        print(f"error: the function runs {after.sha256}, not the release's code", file=sys.stderr)
        return 1
    print(f"live after:  {stage.describe(after, known)}")
    print(stage.how_to_check(target.index_version))
    print(
        "cached answers from the rolled-back index expire after CACHE_S_MAXAGE; invalidate a "
        "CDN or the API Gateway cache as after a deploy"
    )
    return 0


def forget(stage: Stage) -> int:
    """Delete the stage's releases, layer versions and the role Zappa made (after undeploy)."""
    # Zappa deletes the CloudFormation stack that owns the REST API; an API the stack did not
    # take with it (a failed stack deletion, or an emulator without that clean-up) goes here.
    for api in releases.rest_apis(stage.apigateway, stage.function):
        stage.apigateway.delete_rest_api(restApiId=api)
        print(f"deleted the REST API {api} ({stage.function}) the stack left behind")
    count = releases.forget(stage.s3, stage.bucket, stage.function)
    print(f"deleted {count} stored release(s) of {stage.function}")
    name = layer_name(stage.settings, stage.stage)
    deleted = 0
    for page in stage.lambda_.get_paginator("list_layer_versions").paginate(LayerName=name):
        for version in page.get("LayerVersions", []):
            stage.lambda_.delete_layer_version(LayerName=name, VersionNumber=version["Version"])
            deleted += 1
    print(f"deleted {deleted} version(s) of layer {name}")
    if stage.settings.get("manage_roles", True) and not stage.settings.get("role_arn"):
        print(_delete_role(stage.iam, f"{stage.function}-ZappaLambdaExecutionRole"))
    return 0


def _delete_role(iam: Any, role: str) -> str:
    try:
        for name in iam.list_role_policies(RoleName=role).get("PolicyNames", []):
            iam.delete_role_policy(RoleName=role, PolicyName=name)
        for policy in iam.list_attached_role_policies(RoleName=role).get("AttachedPolicies", []):
            iam.detach_role_policy(RoleName=role, PolicyArn=policy["PolicyArn"])
        iam.delete_role(RoleName=role)
    except iam.exceptions.NoSuchEntityException:
        return f"no IAM role {role} to delete"
    return f"deleted the IAM role {role}"

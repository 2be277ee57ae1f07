"""The stage's life after Zappa: record what went live, roll back to a release, clean up.

    record STAGE ZIP --index-version V   after `zappa deploy/update`: check the function runs
                                         ZIP, store it as a release, drop releases no retained
                                         version runs, say what is live and how to check it
    rollback STAGE [--to V]              put the previous release (or the one serving index V)
                                         back: its layers, then its code; say what was live
                                         before and is live after
    forget STAGE                         after `zappa undeploy`: delete the stage's releases,
                                         its layer versions and the execution role Zappa made

Run with the packaging venv's python from the repository root (scripts/deploy.sh,
scripts/rollback.sh and scripts/undeploy.sh do). AWS_PROFILE and AWS_ENDPOINT_URL apply.

Example:
    build/deploy-venv/bin/python -m ops.lifecycle rollback prod --to 19cf1c8986c2
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from . import releases
from .layer import layer_name, sha256_of
from .settings import SETTINGS_FILE, stage_settings_or_report


class _Stage:
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


def _record(stage: _Stage, zip_path: Path, index: str) -> int:
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


def _rollback(stage: _Stage, to: str | None) -> int:
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


def _forget(stage: _Stage) -> int:
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


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run one subcommand; exit 1 with AWS's reason when a step fails."""
    parser = argparse.ArgumentParser(
        prog="python -m ops.lifecycle",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--settings", type=Path, default=SETTINGS_FILE, help="Zappa settings")
    commands = parser.add_subparsers(dest="command", required=True)
    record = commands.add_parser("record", help="store the zip that went live as a release")
    record.add_argument("stage")
    record.add_argument("zip", type=Path)
    record.add_argument("--index-version", required=True)
    rollback = commands.add_parser("rollback", help="put an earlier release back")
    rollback.add_argument("stage")
    rollback.add_argument("--to", metavar="INDEX_VERSION", help="default: the previous release")
    forget = commands.add_parser("forget", help="delete releases, layers and role after undeploy")
    forget.add_argument("stage")
    args = parser.parse_args(argv)
    settings = stage_settings_or_report(args.stage, args.settings)
    if settings is None:
        return 1
    try:
        import botocore.exceptions
    except ImportError:
        print(
            "error: run this with the packaging venv's python (build/deploy-venv)", file=sys.stderr
        )
        return 1
    try:
        stage = _Stage(args.stage, settings)
        if args.command == "record":
            return _record(stage, args.zip, args.index_version)
        if args.command == "rollback":
            return _rollback(stage, args.to)
        return _forget(stage)
    except releases.ReleaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
        print(f"error: {args.command} {args.stage} failed: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

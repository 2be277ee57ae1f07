"""A stage's whole life on a local AWS emulator, with the project's own commands.

moto runs on a free port of 127.0.0.1 (tests/aws_emulator.py) inside a network namespace with
only loopback (where the machine allows it: root), and a socket guard in this process and in
every Python command refuses and writes down any connection beyond loopback: an entry fails the
test. Steps: first deploy -> a content change and `scripts/deploy.sh dev` (a new index version,
the layer reused) -> a rebuilt layer (published anew) -> `scripts/rollback.sh dev` (the previous
release and its layer back) -> `--to` the later one -> `scripts/undeploy.sh dev --yes`. After
each step the emulator is read back with boto3.

Takes about a minute (two full build-and-package chains, one re-check of a built package; the
packaging venv is reused from build/); it prints its duration.
"""

from __future__ import annotations

import base64
import errno
import hashlib
import json
import logging
import os
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from types import SimpleNamespace

import boto3
import pytest

from ops.layer import sha256_of
from ops.venvs import ensure_deploy_venv, ensure_lambda_runtime

from .aws_emulator import Emulator, NetGuard, loopback_only
from .conftest import ROOT, make_content

pytestmark = pytest.mark.slow

STAGE = "dev"
FUNCTION = "faq-search-dev"
LAYER = "faq-search-dev-cryptography"
BUCKET = "faq-search-lifecycle-test"
REGION = "us-east-1"


def _code_sha(path: Path) -> str:
    """Return a zip's SHA-256 as Lambda reports it (CodeSha256: base64 of the digest)."""
    return base64.b64encode(hashlib.sha256(path.read_bytes()).digest()).decode()


@pytest.fixture()
def aws(tmp_path):
    """The emulator, the guard, the environment every command gets, and boto3 clients."""
    work = tmp_path
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # the emulator's access log
    # The packaging venv and the stand-in for Lambda's boto3 come from the package index: set
    # them up (or find them cached in build/) before the network goes.
    ensure_deploy_venv()
    ensure_lambda_runtime()
    with loopback_only() as isolated:
        guard = NetGuard(work / "net-guard.log")
        emulator = Emulator().start()
        fake = {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_ENDPOINT_URL": emulator.url,
            "AWS_CONFIG_FILE": str(work / "no-aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(work / "no-aws-credentials"),
        }
        saved = {k: os.environ.get(k) for k in [*fake, "NET_GUARD_LOG"]}
        os.environ.update(fake)
        for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
            os.environ.pop(name, None)
        guard.install_here()
        env = {
            **os.environ,
            **fake,
            **guard.env(),
            "HOME": str(work / "home"),
            "PYTHON": sys.executable,
        }
        (work / "home").mkdir()
        settings = json.loads((ROOT / "zappa_settings.json").read_text())
        settings[STAGE]["s3_bucket"] = BUCKET
        # The emulator runs no function, so Zappa's request to the new API after an upload
        # would leave the machine (the guard would fail the test): not made here.
        settings[STAGE]["touch"] = False
        settings_path = work / "zappa_settings.json"
        settings_path.write_text(json.dumps(settings, indent=1))
        session = boto3.Session(region_name=REGION)
        clients = {name: session.client(name) for name in ("lambda", "s3", "iam", "apigateway")}
        clients["cloudformation"] = session.client("cloudformation")
        clients["apigatewayv2"] = session.client("apigatewayv2")
        clients["events"] = session.client("events")
        clients["logs"] = session.client("logs")
        clients["s3"].create_bucket(Bucket=BUCKET)  # the operator's bucket (a prerequisite)
        try:
            yield SimpleNamespace(
                work=work,
                env=env,
                settings=settings_path,
                guard=guard,
                isolated=isolated,
                **clients,
            )
        finally:
            emulator.stop()
            guard.uninstall_here()
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def _run(aws, script: str, *args: str, exit_code: int = 0) -> subprocess.CompletedProcess:
    started = time.monotonic()
    done = subprocess.run(
        ["bash", f"scripts/{script}", *args, "--settings", str(aws.settings)],
        cwd=ROOT,
        env=aws.env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    shown = " ".join(args).replace(str(aws.work), "WORK")
    print(f"  {script} {shown}: {time.monotonic() - started:.1f} s")
    assert done.returncode == exit_code, f"{script} {args}:\n{done.stdout}\n{done.stderr}"
    assert aws.guard.attempts() == [], "a command tried to leave the machine"
    return done


def _index_version(zip_path: Path) -> str:
    with zipfile.ZipFile(zip_path) as archive:
        return json.loads(archive.read("package_info.json"))["index_version"]


def _layer_versions(aws) -> list[dict]:
    return aws.__dict__["lambda"].list_layer_versions(LayerName=LAYER)["LayerVersions"]


def _live(aws) -> dict:
    return aws.__dict__["lambda"].get_function(FunctionName=FUNCTION)["Configuration"]


def _release_index(aws, zip_path: Path) -> str:
    key = f"{FUNCTION}/releases/{sha256_of(zip_path)}.zip"
    head = aws.s3.head_object(Bucket=BUCKET, Key=key)
    assert head["ContentLength"] == zip_path.stat().st_size
    return head["Metadata"]["index-version"]


def _check_live(aws, zip_path: Path, layer_arn: str) -> None:
    """The function runs this zip with this layer, as the stage's settings say."""
    config = _live(aws)
    assert config["CodeSha256"] == _code_sha(zip_path)
    assert [x["Arn"] for x in config["Layers"]] == [layer_arn]
    written = json.loads((zip_path.with_name("dev-zappa_settings.json")).read_text())[STAGE]
    assert config["Runtime"] == written["runtime"] == "python3.11"
    assert config["MemorySize"] == written["memory_size"]
    assert config["Timeout"] == written["timeout_seconds"]
    assert config["Description"] == written["lambda_description"]
    assert config["Handler"] == "handler.lambda_handler"
    assert written["layers"] == [layer_arn]
    assert _release_index(aws, zip_path) == _index_version(zip_path)


def _rezip(source: Path, target: Path) -> None:
    """Write the same files with another compression: a layer zip with other bytes."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            info.compress_type = zipfile.ZIP_DEFLATED
            new.writestr(info, old.read(info), compresslevel=1)


def test_a_stage_through_its_whole_life(aws):
    started = time.monotonic()
    work = aws.work
    lambda_ = aws.__dict__["lambda"]
    print(f"\nlifecycle on {os.environ['AWS_ENDPOINT_URL']}, "
          f"{'loopback-only network namespace' if aws.isolated else 'socket guard only'}")

    # 1. First deploy: role, layer, function, API.
    first = make_content(work / "a")
    _run(aws, "deploy.sh", STAGE, "--first-deploy", "--content", str(first),
         "--index", str(work / "index-a"), "--output", str(first / "dev.zip"))
    zip_a, layer_a = first / "dev.zip", first / "dev-layer.zip"
    versions = _layer_versions(aws)
    assert len(versions) == 1 and f"sha256:{sha256_of(layer_a)}" in versions[0]["Description"]
    layer_1 = versions[0]["LayerVersionArn"]
    _check_live(aws, zip_a, layer_1)
    assert [a["name"] for a in aws.apigateway.get_rest_apis()["items"]] == [FUNCTION]
    assert aws.apigatewayv2.get_apis()["Items"] == []  # no stray WebSocket API
    assert aws.iam.get_role(RoleName=f"{FUNCTION}-ZappaLambdaExecutionRole")
    stack = aws.cloudformation.describe_stacks(StackName=FUNCTION)["Stacks"][0]
    assert stack["StackStatus"].endswith("_COMPLETE")
    # One release only: nothing to roll back to, and the function is left as it is.
    done = _run(aws, "rollback.sh", STAGE, exit_code=1)
    assert f"live before: index {_index_version(zip_a)}" in done.stdout
    assert "nothing to roll back to" in done.stderr
    done = _run(aws, "rollback.sh", STAGE, "--to", "0123456789ab", exit_code=1)
    stored = f"stored releases serve: {_index_version(zip_a)}"
    assert f"no release serves index 0123456789ab; {stored}" in done.stderr
    _check_live(aws, zip_a, layer_1)

    # 2. A content change: a new article (with its smoke query), a new index version; the
    # layer's bytes are unchanged, so its version is reused.
    second = make_content(work / "b", "cast-iron-skillet-care.txt")
    smoke = json.loads((second / "smoke-queries.json").read_text())
    smoke["queries"].append({"q": "remove rust from a skillet", "sections": ["Removing Rust"]})
    (second / "smoke-queries.json").write_text(json.dumps(smoke))
    done = _run(aws, "deploy.sh", STAGE, "--content", str(second),
                "--index", str(work / "index-b"), "--output", str(second / "dev.zip"))
    zip_b = second / "dev.zip"
    assert _index_version(zip_b) != _index_version(zip_a)
    assert sha256_of(second / "dev-layer.zip") == sha256_of(layer_a)
    assert f"reusing layer version {layer_1}" in done.stdout
    assert len(_layer_versions(aws)) == 1
    _check_live(aws, zip_b, layer_1)
    assert f"live on dev: index {_index_version(zip_b)}" in done.stdout

    # 3. A rebuilt layer (other bytes): published as a new version and attached; the function
    # zip a dry run built is uploaded as it is (--package).
    _rezip(second / "dev-layer.zip", second / "rebuilt-layer.zip")
    (second / "rebuilt-layer.zip").replace(second / "dev-layer.zip")
    done = _run(aws, "deploy.sh", STAGE, "--package", str(zip_b), "--content", str(second))
    versions = _layer_versions(aws)
    assert len(versions) == 2
    layer_2 = max(versions, key=lambda v: v["Version"])["LayerVersionArn"]
    assert f"published layer version {layer_2}" in done.stdout
    _check_live(aws, zip_b, layer_2)

    # 4. Roll back: the previous release (the first zip) and the layer it ran with.
    published = len(lambda_.list_versions_by_function(FunctionName=FUNCTION)["Versions"])
    done = _run(aws, "rollback.sh", STAGE)
    out = done.stdout
    assert f"live before: index {_index_version(zip_b)}" in out
    assert f"live after:  index {_index_version(zip_a)}" in out
    api_id = aws.apigateway.get_rest_apis()["items"][0]["id"]
    assert (
        f"check: curl -s https://{api_id}.execute-api.{REGION}.amazonaws.com/dev/health  ->  "
        f'"index_version": "{_index_version(zip_a)}"'
    ) in out
    config = _live(aws)
    assert config["CodeSha256"] == _code_sha(zip_a)
    assert [x["Arn"] for x in config["Layers"]] == [layer_1]
    # ...published as a version of its own, so what runs is always a numbered version.
    after = lambda_.list_versions_by_function(FunctionName=FUNCTION)["Versions"]
    assert len(after) == published + 1
    assert after[-1]["CodeSha256"] == _code_sha(zip_a)

    # 5. ...and forward again, by index version.
    done = _run(aws, "rollback.sh", STAGE, "--to", _index_version(zip_b))
    assert f"live after:  index {_index_version(zip_b)}" in done.stdout
    config = _live(aws)
    assert config["CodeSha256"] == _code_sha(zip_b)
    assert [x["Arn"] for x in config["Layers"]] == [layer_2]

    # 6. Undeploy: nothing of the stage is left but the operator's empty bucket.
    _run(aws, "undeploy.sh", STAGE, "--yes")
    with pytest.raises(lambda_.exceptions.ResourceNotFoundException):
        lambda_.get_function(FunctionName=FUNCTION)
    assert aws.apigateway.get_rest_apis()["items"] == []
    assert aws.apigatewayv2.get_apis()["Items"] == []
    stacks = aws.cloudformation.list_stacks()["StackSummaries"]
    assert all(s["StackStatus"] == "DELETE_COMPLETE" for s in stacks if s["StackName"] == FUNCTION)
    assert _layer_versions(aws) == []
    assert aws.s3.list_objects_v2(Bucket=BUCKET).get("KeyCount", 0) == 0
    assert not [r for r in aws.iam.list_roles()["Roles"] if r["RoleName"].startswith(FUNCTION)]
    assert aws.events.list_rules()["Rules"] == []
    groups = aws.logs.describe_log_groups()["logGroups"]
    assert not [g for g in groups if FUNCTION in g["logGroupName"]]
    assert aws.guard.attempts() == []
    print(f"lifecycle test: {time.monotonic() - started:.1f} s")


def test_the_guard_refuses_and_records_what_leaves_loopback(tmp_path):
    guard = NetGuard(tmp_path / "guard.log")
    probe = (
        "import socket\n"
        "for target in [('203.0.113.7', 443), ('example.com', 443)]:\n"
        "    try:\n"
        "        if target[0][0].isdigit():\n"
        "            socket.socket().connect(target)\n"
        "        else:\n"
        "            socket.create_connection(target, timeout=2)\n"
        "    except OSError as exc:\n"
        "        print('refused', target[0], exc)\n"
        "server = socket.create_server(('127.0.0.1', 0))\n"
        "socket.create_connection(server.getsockname(), timeout=2).close()\n"
        "print('loopback ok')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        env={**os.environ, **guard.env()},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "refused 203.0.113.7" in done.stdout and "refused example.com" in done.stdout
    assert "loopback ok" in done.stdout
    assert [x.split(" ", 1)[1] for x in guard.attempts()] == [
        "connect 203.0.113.7:443",
        "look up example.com",
    ]


def test_inside_the_namespace_only_loopback_answers():
    with loopback_only() as isolated:
        if not isolated:
            pytest.skip("needs root for a network namespace; the socket guard still holds")
        with socket.socket() as sock:
            sock.settimeout(2)
            assert sock.connect_ex(("203.0.113.7", 443)) == errno.ENETUNREACH
        with socket.create_server(("127.0.0.1", 0)) as server:
            socket.create_connection(server.getsockname(), timeout=2).close()


@pytest.mark.parametrize("script", ["rollback.sh", "undeploy.sh"])
def test_the_stage_scripts_explain_themselves_and_refuse_bad_usage(script):
    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["bash", f"scripts/{script}", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    helped = run("--help")
    assert helped.returncode == 0 and f"scripts/{script} STAGE" in helped.stdout
    assert "Example" in helped.stdout
    assert run().returncode == 2
    assert run("dev", "--frobnicate").returncode == 2
    assert run("dev", "prod").returncode == 2


def test_undeploy_needs_yes():
    done = subprocess.run(
        ["bash", "scripts/undeploy.sh", "dev"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "cannot be undone: add --yes" in done.stderr

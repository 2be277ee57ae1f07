"""The exact zip Lambda would run, built and run offline.

`scripts/deploy.sh dev --dry-run` builds the index, verifies it, packages it with `zappa package`
(fake credentials, no network), byte-compiles it and runs it once; these tests then unpack that
zip read-only and call Zappa's generated handler.lambda_handler(event, context) in a clean
interpreter (empty environment, python -I -S, sys.path = the package + boto3 alone) with saved
API Gateway REST (v1) and HTTP API (v2) events, and compare with the service run in-process.
The packaging venv is cached in build/deploy-venv, so only the first run installs Zappa.
"""

from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys
import zipfile
from types import SimpleNamespace

import pytest

from ops.artifact import load_event, run_zip, saved_events
from ops.checks import binary_problems, content_problems
from ops.offline import can_isolate, readonly_enforced
from ops.package import rebuild_zip
from ops.venvs import DEPLOY_VENV, ensure_lambda_runtime
from service.app import create_app

from .conftest import ROOT

pytestmark = pytest.mark.slow

QUERY = "reason for restless leg syndrome"
SEED_TITLE = "Understanding the Reason for Restless Leg Syndrome"
LAMBDA_PROVIDED_TOPS = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3")
PACKAGING_ONLY_TOPS = ("troposphere", "pip", "setuptools", "yaml", "requests", "tqdm", "slugify")
REPO_ONLY_TOPS = ("tests", "scripts", "content", "ops", "build", ".venv", ".ci")


def _deploy(*args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "scripts/deploy.sh", *args],
        cwd=ROOT,
        env={**os.environ, "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="module")
def dry_run(tmp_path_factory):
    """Run the whole deploy chain up to the upload; keep its index and zip."""
    work = tmp_path_factory.mktemp("deploy")
    index, package = work / "index", work / "dev.zip"
    done = _deploy("dev", "--dry-run", "--index", str(index), "--output", str(package))
    assert done.returncode == 0, done.stdout + done.stderr
    version = (index / "CURRENT").read_text().strip().removeprefix("v-")
    return SimpleNamespace(zip=package, index=index, version=version, stdout=done.stdout)


@pytest.fixture(scope="module")
def lambda_run(dry_run):
    """Every saved event through the package's handler, in one fresh Lambda-like process."""
    runtime = ensure_lambda_runtime()
    return run_zip(dry_run.zip, runtime, list(saved_events().items()), "faq-search-dev")


@pytest.fixture(scope="module")
def in_process(dry_run):
    """The same service and index, run in this process through Flask's test client."""
    return create_app({"TESTING": True, "SEARCH_INDEX_DIR": str(dry_run.index)}).test_client()


def test_dry_run_does_every_step_and_stops_before_the_upload(dry_run):
    out = dry_run.stdout
    steps = ["1/5 build", "2/5 verify", "3/5 package", "4/5 run the package", "5/5 dry run"]
    positions = [out.index(step) for step in steps]
    assert positions == sorted(positions)
    assert f"index {dry_run.version} verified" in out
    assert "cold path" in out
    assert ("no network" if can_isolate() else "env guards only") in out
    assert f"zappa update dev -z {dry_run.zip}" in out
    # What ops must invalidate, with the version they should then see in /health.
    assert "flush-stage-cache" in out and "create-invalidation" in out
    assert f'"index_version": "{dry_run.version}"' in out
    assert "zappa rollback dev -n 1" in out


def test_zip_carries_the_index_and_only_what_runs(dry_run):
    with zipfile.ZipFile(dry_run.zip) as archive:
        names = archive.namelist()
        current = archive.read("index_data/CURRENT").decode().strip()
        manifest = json.loads(archive.read(f"index_data/{current}/manifest.json"))
        settings = archive.read("zappa_settings.py").decode()
    tops = {n.split("/")[0] for n in names}
    assert current == f"v-{dry_run.version}"
    assert manifest["index_version"] == dry_run.version
    assert any(n.startswith(f"index_data/{current}/") and n.endswith(".toc") for n in names)
    assert [n for n in names if n.startswith("index_data/v-")] == [
        n for n in names if n.startswith(f"index_data/{current}/")
    ]
    assert {"handler.py", "zappa_settings.py", "service", "index", "flask", "whoosh"} <= tops
    for forbidden in LAMBDA_PROVIDED_TOPS + PACKAGING_ONLY_TOPS + REPO_ONLY_TOPS:
        assert forbidden not in tops, forbidden
    assert not [n for n in names if "_cache" in n or "/tests/" in n or n.endswith(".pyo")]
    zappa = {n.split("/")[1] for n in names if n.startswith("zappa/") and "__pycache__" not in n}
    assert zappa == {"__init__.py", "asgi.py", "middleware.py", "utilities.py", "wsgi.py"}
    assert "APP_MODULE='service.wsgi'" in settings and "DEBUG=False" in settings
    assert "'SEARCH_INDEX_DIR': 'index_data'" in settings
    size = dry_run.zip.stat().st_size
    unzipped = sum(i.file_size for i in zipfile.ZipFile(dry_run.zip).infolist())
    print(f"\npackage: {size / 2**20:.2f} MiB zipped, {unzipped / 2**20:.2f} MiB unzipped")
    assert size < 50 * 2**20  # Lambda's limit for a direct upload
    assert unzipped < 250 * 2**20  # Lambda's limit for the unzipped function


def test_every_module_ships_with_unchecked_hash_bytecode_for_var_task(dry_run):
    tag = sys.implementation.cache_tag
    with zipfile.ZipFile(dry_run.zip) as archive:
        names = set(archive.namelist())
        modules = [n for n in names if n.endswith(".py")]
        assert len(modules) > 100
        for module in modules:
            folder, _, stem = module.rpartition("/")
            pyc = f"{folder}/__pycache__/{stem[:-3]}.{tag}.pyc".lstrip("/")
            data = archive.read(pyc)
            # PEP 552 flags: 0b01 = hash-based, source not checked (the zip's 1980 dates can't lie)
            assert int.from_bytes(data[4:8], "little") == 0b01, pyc
        code = marshal.loads(archive.read(f"service/__pycache__/wsgi.{tag}.pyc")[16:])
        assert code.co_filename == "/var/task/service/wsgi.py"
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_the_package_check_refuses_what_lambda_cannot_run(dry_run, tmp_path):
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(dry_run.zip) as good, zipfile.ZipFile(bad, "w") as out:
        for info in good.infolist():
            if info.filename != "index_data/CURRENT":
                out.writestr(info, good.read(info))
        out.writestr("boto3/__init__.py", "")
        out.writestr("tests/test_app.py", "")
        wheel = (
            "Wheel-Version: 1.0\nRoot-Is-Purelib: false\nTag: cp311-abi3-manylinux_2_34_x86_64\n"
        )
        out.writestr("fastthing-1.0.dist-info/WHEEL", wheel)
    with zipfile.ZipFile(bad) as archive:
        problems = content_problems(archive.namelist(), dry_run.version, DEPLOY_VENV)
        problems += binary_problems(archive)
    assert "missing index_data/CURRENT" in problems
    assert "ships boto3 (from boto3: Lambda provides it)" in problems
    assert "ships tests/test_app.py (tests, caches and docs stay behind)" in problems
    assert any(p.startswith("fastthing-1.0.dist-info was built for") for p in problems)
    assert len(problems) == 4


def test_rezipping_is_deterministic(dry_run, tmp_path):
    info = json.loads(zipfile.ZipFile(dry_run.zip).read("package_info.json"))
    again = tmp_path / "again.zip"
    rebuild_zip(dry_run.zip, again, "dev", info["index_version"], compile=True)
    assert again.read_bytes() == dry_run.zip.read_bytes()


def test_rest_v1_event_answers_exactly_like_the_service(lambda_run, in_process):
    status, body = lambda_run.status_and_json("rest-v1-get-answer")
    assert status == 200
    assert lambda_run.header("rest-v1-get-answer", "Content-Type") == "application/json"
    assert body["answer"]["article"] == SEED_TITLE
    assert body == in_process.get("/answer", query_string={"q": QUERY}).get_json()
    # API Gateway v1 wants both header maps back when the event had both.
    assert "multiValueHeaders" in lambda_run.responses["rest-v1-get-answer"]


def test_http_v2_event_with_url_encoded_query_searches_like_the_service(lambda_run, in_process):
    assert "%20" in load_event("http-v2-get-search")["rawQueryString"]
    status, body = lambda_run.status_and_json("http-v2-get-search")
    assert status == 200
    assert body["query"] == QUERY
    assert body["limit"] == 3 and 1 <= len(body["results"]) <= 3
    expected = in_process.get("/search", query_string={"q": QUERY, "limit": 3}).get_json()
    assert [r["id"] for r in body["results"]] == [r["id"] for r in expected["results"]]
    assert body["results"][0]["article"] == SEED_TITLE
    assert "public" in lambda_run.header("http-v2-get-search", "Cache-Control")


def test_errors_come_back_as_json(lambda_run):
    status, body = lambda_run.status_and_json("rest-v1-get-search-no-words")
    assert (status, body["error"]["code"]) == (400, "no_words")
    status, body = lambda_run.status_and_json("http-v2-get-missing-route")
    assert (status, body["error"]["code"]) == (404, "not_found")
    for name in ("rest-v1-get-search-no-words", "http-v2-get-missing-route"):
        assert lambda_run.header(name, "Content-Type") == "application/json"
        assert lambda_run.header(name, "Cache-Control") == "no-store"


def test_base64_dialogflow_call_is_answered_aloud(lambda_run, in_process):
    event = load_event("http-v2-post-dialogflow-base64")
    assert event["isBase64Encoded"] is True
    status, body = lambda_run.status_and_json("http-v2-post-dialogflow-base64")
    assert status == 200
    assert body["fulfillmentText"].endswith(f"From: {SEED_TITLE}. Anything else?")
    answer = in_process.get("/answer", query_string={"q": QUERY}).get_json()["answer"]
    assert answer["text"].split(".")[0] in body["fulfillmentText"]
    assert body["fulfillmentMessages"] == [{"text": {"text": [body["fulfillmentText"]]}}]


def test_unsigned_alexa_request_is_refused_in_the_deployed_package(lambda_run):
    # On Lambda the app is always a deployed stage: no Amazon signature, no answer.
    status, body = lambda_run.status_and_json("rest-v1-post-alexa-unsigned")
    assert (status, body["error"]["code"]) == (400, "missing_signature")


def test_health_names_the_shipped_index_version(lambda_run, dry_run):
    status, body = lambda_run.status_and_json("rest-v1-get-health")
    assert status == 200
    assert body["status"] == "ok"
    assert body["index_version"] == dry_run.version


def test_package_runs_alone_read_only_and_offline(lambda_run):
    # Nothing imported from outside the package, the boto3 stand-in or the standard library.
    assert lambda_run.foreign_modules == []
    assert "boto3" in lambda_run.loaded_from_runtime  # Zappa's handler imports it
    # Compiled code (Alexa's signature checks, Jinja's escaping) loads from the package's wheels.
    assert any(
        m.startswith("cryptography/hazmat/bindings/_rust") for m in lambda_run.native_modules
    )
    if readonly_enforced():
        assert lambda_run.write_probe != "written"
    if can_isolate():
        assert lambda_run.isolated
    timings = lambda_run.timings
    print(
        f"\ncold path {timings['cold_ms']:.0f} ms: import handler {timings['import_ms']:.0f} ms"
        f" + first event {timings['first_event_ms']:.0f} ms"
    )
    assert timings["cold_ms"] >= timings["import_ms"] > 0


def test_queries_are_logged_as_json_lines_without_the_caller_ip(lambda_run):
    lines = lambda_run.query_log_lines()
    assert [(x["route"], x["query"]) for x in lines] == [
        ("/search", QUERY),
        ("/voice/dialogflow", QUERY),
        ("/answer", QUERY),
    ]
    assert [x["answered"] for x in lines] == [None, True, True]
    assert all(x["index_version"] == lines[0]["index_version"] for x in lines)
    printed = "\n".join(json.dumps(x) for x in lines)
    for address in ("203.0.113.45", "198.51.100.77", "66.249.84.10", "artifact-check-webhook"):
        assert address not in printed


def test_a_failed_smoke_query_stops_the_chain_before_packaging(tmp_path):
    from .conftest import make_content

    content = make_content(tmp_path / "content")
    smoke = {"queries": [{"q": "is rls genetic", "sections": ["Iron Deficiency"]}]}
    (content / "smoke-queries.json").write_text(json.dumps(smoke))
    package = tmp_path / "dev.zip"
    done = _deploy(
        "dev",
        "--dry-run",
        "--content",
        str(content),
        "--index",
        str(tmp_path / "index"),
        "--output",
        str(package),
    )
    assert done.returncode == 1
    assert "'is rls genetic': top section 'Genetic Predisposition'" in done.stderr
    assert "stopped at step: 2/5 verify" in done.stderr
    assert "3/5" not in done.stdout
    assert not package.exists()


def test_bad_content_stops_the_chain_at_the_build(tmp_path):
    from .conftest import make_content

    content = make_content(tmp_path / "content")
    (content / "articles" / "empty.txt").write_text("\n\n")
    done = _deploy("dev", "--dry-run", "--content", str(content), "--index", str(tmp_path / "i"))
    assert done.returncode == 1
    assert "empty.txt" in done.stderr
    assert "stopped at step: 1/5 build" in done.stderr


def test_deploy_refuses_unknown_stage_and_bad_usage():
    done = _deploy("staging", "--dry-run")
    assert done.returncode == 1
    assert "unknown stage 'staging'" in done.stderr and "dev, prod" in done.stderr
    assert _deploy().returncode == 2
    assert _deploy("dev", "--frobnicate").returncode == 2
    helped = _deploy("--help")
    assert helped.returncode == 0 and "Examples:" in helped.stdout

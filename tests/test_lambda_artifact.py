"""The exact zip Lambda would run, and its layer, built and run offline.

`scripts/deploy.sh dev --dry-run` builds the index, verifies it, packages it with `zappa package`
(fake credentials, no network), byte-compiles it, builds the layer zip (cryptography and what
only it needs) and runs both once; these tests then unpack the zip and the layer read-only and
call Zappa's generated handler.lambda_handler(event, context) in a clean interpreter (empty
environment, python -I -S, sys.path = the package, the layer's python/ folder standing in for
/opt/python, boto3 alone) with saved API Gateway REST (v1) and HTTP API (v2) events, and compare
with the service run in-process. The packaging venv is cached in build/deploy-venv, so only the
first run installs Zappa.
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
from cryptography.hazmat.primitives import serialization

from ops.artifact import load_event, python_for_lambda, run_zip, saved_events, unpack, unpack_layer
from ops.checks import binary_problems, content_problems, distribution_top_levels
from ops.layer import layer_problems, layer_top_levels, sha256_of
from ops.offline import can_isolate, isolated, make_writable, offline_env, readonly_enforced
from ops.package import build_layer, rebuild_zip
from ops.venvs import DEPLOY_VENV, ensure_lambda_runtime
from service.app import create_app

from .conftest import ROOT
from .voice.helpers import CERT_URL, make_authority

pytestmark = pytest.mark.slow

QUERY = "reason for restless leg syndrome"
SEED_TITLE = "Understanding the Reason for Restless Leg Syndrome"
LAMBDA_PROVIDED_TOPS = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3")
PACKAGING_ONLY_TOPS = ("troposphere", "pip", "setuptools", "yaml", "requests", "tqdm")
REPO_ONLY_TOPS = ("tests", "scripts", "content", "ops", "build", ".venv", ".ci")
LAYER_TOPS = ("cryptography", "cffi", "pycparser", "_cffi_backend.cpython-311-x86_64-linux-gnu.so")


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
    """Run the whole deploy chain up to the upload; keep its index, zip and layer zip."""
    work = tmp_path_factory.mktemp("deploy")
    index, package = work / "index", work / "dev.zip"
    done = _deploy("dev", "--dry-run", "--index", str(index), "--output", str(package))
    assert done.returncode == 0, done.stdout + done.stderr
    current = (index / "CURRENT").read_text().strip()
    version = json.loads((index / current / "manifest.json").read_text())["index_version"]
    return SimpleNamespace(
        zip=package,
        layer=work / "dev-layer.zip",
        settings=work / "dev-zappa_settings.json",
        index=index,
        version=version,
        stdout=done.stdout,
    )


@pytest.fixture(scope="module")
def lambda_run(dry_run):
    """Every saved event through the package's handler, in one fresh Lambda-like process."""
    runtime = ensure_lambda_runtime()
    events = list(saved_events().items())
    return run_zip(dry_run.zip, runtime, events, "faq-search-dev", dry_run.layer)


@pytest.fixture(scope="module")
def unpacked(dry_run, tmp_path_factory):
    """The zip and the layer unpacked read-only, as Lambda's /var/task and /opt."""
    root = tmp_path_factory.mktemp("unpacked")
    task = unpack(dry_run.zip, root / "task")
    layer = unpack_layer(dry_run.layer, root / "opt")
    yield SimpleNamespace(task=task, layer=layer)
    make_writable(root)


@pytest.fixture(scope="module")
def in_process(dry_run):
    """The same service and index, run in this process through Flask's test client, set up as
    the zip runs it: without the semantic rerank, whose runtime the zip leaves out."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SEARCH_ENCODER", "off")
        yield create_app({"TESTING": True, "SEARCH_INDEX_DIR": str(dry_run.index)}).test_client()


def test_dry_run_does_every_step_and_stops_before_the_upload(dry_run):
    out = dry_run.stdout
    steps = ["1/5 build", "2/5 verify", "3/5 package", "4/5 run the package", "5/5 dry run"]
    positions = [out.index(step) for step in steps]
    assert positions == sorted(positions)
    assert f"index {dry_run.version} verified" in out
    assert "cold path" in out
    assert ("no network" if can_isolate() else "env guards only") in out
    assert f"zappa update dev -z {dry_run.zip} -s {dry_run.settings}" in out
    # The layer is named, with the hash a published version would carry; nothing is published
    # and no upload settings are written.
    assert "layer faq-search-dev-cryptography (python3.11)" in out
    assert f"sha256:{sha256_of(dry_run.layer)}" in out
    assert not dry_run.settings.exists()
    # What ops must invalidate, with the version they should then see in /health.
    assert "flush-stage-cache" in out and "create-invalidation" in out
    assert f'"index_version": "{dry_run.version}"' in out
    assert "Roll back: scripts/rollback.sh dev" in out


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
    for forbidden in LAMBDA_PROVIDED_TOPS + PACKAGING_ONLY_TOPS + REPO_ONLY_TOPS + LAYER_TOPS:
        assert forbidden not in tops, forbidden
    assert not [t for t in tops if t.startswith(("cryptography-", "cffi-", "pycparser-"))]
    assert not [n for n in names if "_cache" in n or "/tests/" in n or n.endswith(".pyo")]
    zappa = {n.split("/")[1] for n in names if n.startswith("zappa/") and "__pycache__" not in n}
    assert zappa == {"__init__.py", "asgi.py", "middleware.py", "utilities.py", "wsgi.py"}
    assert "APP_MODULE='service.wsgi'" in settings and "DEBUG=False" in settings
    assert "'SEARCH_INDEX_DIR': 'index_data'" in settings
    size = dry_run.zip.stat().st_size
    unzipped = sum(i.file_size for i in zipfile.ZipFile(dry_run.zip).infolist())
    layer_size = dry_run.layer.stat().st_size
    layer_unzipped = sum(i.file_size for i in zipfile.ZipFile(dry_run.layer).infolist())
    print(
        f"\npackage: {size / 2**20:.2f} MiB zipped, {unzipped / 2**20:.2f} MiB unzipped; "
        f"layer: {layer_size / 2**20:.2f} MiB zipped, {layer_unzipped / 2**20:.2f} MiB unzipped"
    )
    assert size < 50 * 2**20  # Lambda's limit for a direct upload
    assert unzipped + layer_unzipped < 250 * 2**20  # Lambda's limit, function and layers


def test_layer_zip_holds_only_cryptography_and_what_it_needs_under_python(dry_run):
    with zipfile.ZipFile(dry_run.layer) as archive:
        names = archive.namelist()
        infos = archive.infolist()
        tag = sys.implementation.cache_tag
        code = marshal.loads(archive.read(f"python/cryptography/__pycache__/utils.{tag}.pyc")[16:])
        pyc = archive.read(f"python/cffi/__pycache__/api.{tag}.pyc")
    assert all(n.startswith("python/") for n in names)
    tops = {n.split("/")[1] for n in names}
    dist_infos = {t for t in tops if t.endswith(".dist-info")}
    assert tops - dist_infos == set(LAYER_TOPS)
    assert {d.split("-")[0] for d in dist_infos} == {"cryptography", "cffi", "pycparser"}
    # Compiled the same way as the function, for where Lambda mounts the layer.
    assert code.co_filename == "/opt/python/cryptography/utils.py"
    assert int.from_bytes(pyc[4:8], "little") == 0b01
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    # From the same Lambda-platform wheels as the function (glibc <= 2.26 tags).
    with zipfile.ZipFile(dry_run.layer) as archive:
        assert binary_problems(archive) == []
        wheels = [n for n in names if n.endswith(".dist-info/WHEEL")]
        tags = [archive.read(n).decode() for n in wheels if "/cryptography-" in n]
    assert len(tags) == 1 and "x86_64" in tags[0]


def test_the_layer_check_refuses_strays_and_gaps(dry_run, tmp_path):
    tops = layer_top_levels(distribution_top_levels(DEPLOY_VENV))
    with zipfile.ZipFile(dry_run.layer) as archive:
        names = archive.namelist()
    assert layer_problems(names, tops) == []
    bad = [n for n in names if not n.startswith("python/pycparser/")]
    bad += ["python/flask/__init__.py", "cryptography/__init__.py"]
    assert sorted(layer_problems(bad, tops)) == [
        "layer misses pycparser (from pycparser)",
        "layer ships cryptography/__init__.py outside python/ (Lambda would not find it)",
        "layer ships python/flask/__init__.py (not part of cryptography, cffi, pycparser)",
    ]


def test_layer_zip_is_deterministic(dry_run, tmp_path):
    tops = layer_top_levels(distribution_top_levels(DEPLOY_VENV))
    report = build_layer(DEPLOY_VENV, tmp_path / "again.zip", tops)
    assert (tmp_path / "again.zip").read_bytes() == dry_run.layer.read_bytes()
    assert report.sha256 == sha256_of(dry_run.layer)


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
        out.writestr("cryptography/__init__.py", "")
    with zipfile.ZipFile(bad) as archive:
        problems = content_problems(archive.namelist(), dry_run.version, DEPLOY_VENV)
        problems += binary_problems(archive)
    assert "missing index_data/CURRENT" in problems
    assert "ships boto3 (from boto3: Lambda provides it)" in problems
    assert "ships tests/test_app.py (tests, caches and docs stay behind)" in problems
    assert any(p.startswith("fastthing-1.0.dist-info was built for") for p in problems)
    assert "ships cryptography (from cryptography: it belongs in the layer)" in problems
    assert len(problems) == 5


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
    # The verifier's cryptography came from the layer: the function zip has none.
    assert "cryptography" in lambda_run.loaded_from_layer


def test_without_its_layer_the_package_cannot_check_alexa_signatures(dry_run):
    # The function zip really lacks cryptography: only the layer makes the Alexa route work.
    event = ("rest-v1-post-alexa-unsigned", load_event("rest-v1-post-alexa-unsigned"))
    alone = run_zip(dry_run.zip, ensure_lambda_runtime(), [event], "faq-search-dev")
    status, _ = alone.status_and_json("rest-v1-post-alexa-unsigned")
    assert status == 500
    assert "No module named 'cryptography'" in alone.stderr + alone.stdout
    assert alone.loaded_from_layer == []


# Run in a clean interpreter on the unpacked zip and layer (Lambda's sys.path order): the
# package's own Alexa verifier checks a signed request with the layer's cryptography.
_SIGNED_CHECK = """
import json, sys
task, layer, given = sys.argv[1:4]
sys.path[:0] = [task, layer]
import cryptography
from cryptography import x509
from service.voice import alexa_verify
data = json.load(open(given))
roots = [x509.load_pem_x509_certificate(data["root"].encode())]
verifier = alexa_verify.AlexaRequestVerifier(roots, lambda url: data["chain"].encode())
headers = {"SignatureCertChainUrl": data["url"], "Signature-256": data["signature"]}
body = data["body"].encode()
verifier.verify(headers, body)
try:
    verifier.verify(headers, body.replace(b"genetic", b"curable"))
    tampered = "accepted"
except alexa_verify.VerificationFailed as exc:
    tampered = exc.code
print(json.dumps({
    "cryptography": cryptography.__file__,
    "verifier": alexa_verify.__file__,
    "native": [m.__file__ for m in list(sys.modules.values())
               if (getattr(m, "__file__", None) or "").endswith(".so")],
    "tampered": tampered,
}))
"""


def test_signed_alexa_request_is_verified_with_the_layer_s_cryptography(unpacked, tmp_path):
    authority = make_authority()
    signing = authority.chain()
    body = json.dumps({"request": {"type": "IntentRequest", "query": "is rls genetic"}})
    given = tmp_path / "signed.json"
    given.write_text(
        json.dumps(
            {
                "root": authority.root.public_bytes(serialization.Encoding.PEM).decode(),
                "chain": signing.pem.decode(),
                "url": CERT_URL,
                "signature": signing.sign(body.encode()),
                "body": body,
            }
        )
    )
    command = [python_for_lambda(), "-I", "-S", "-c", _SIGNED_CHECK]
    command += [str(unpacked.task), str(unpacked.layer), str(given)]
    done = subprocess.run(
        isolated(command, readonly=[unpacked.task, unpacked.layer.parent]),
        env=offline_env(tmp_path / "private"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["tampered"] == "bad_signature"
    assert result["verifier"].startswith(f"{unpacked.task}/service/voice/")
    assert result["cryptography"].startswith(f"{unpacked.layer}/cryptography/")
    rust = f"{unpacked.layer}/cryptography/hazmat/bindings/_rust"
    assert any(p.startswith(rust) for p in result["native"])
    assert not [p for p in result["native"] if p.startswith(f"{unpacked.task}/")]


def test_health_names_the_shipped_index_version(lambda_run, dry_run):
    status, body = lambda_run.status_and_json("rest-v1-get-health")
    assert status == 200
    assert body["status"] == "ok"
    assert body["index_version"] == dry_run.version


def test_the_package_serves_the_generated_api_description(lambda_run, in_process):
    # Built with apispec on the first request: the package must ship it and what it imports.
    status, body = lambda_run.status_and_json("rest-v1-get-openapi")
    assert status == 200
    assert body == in_process.get("/openapi.json").get_json()
    assert set(body["paths"]) >= {"/search", "/answer", "/suggest", "/health"}


def test_package_runs_alone_read_only_and_offline(lambda_run):
    # Nothing imported from outside the package, the boto3 stand-in or the standard library.
    assert lambda_run.foreign_modules == []
    assert "boto3" in lambda_run.loaded_from_runtime  # Zappa's handler imports it
    # Compiled code loads from the wheels shipped for Lambda: Jinja's escaping from the package,
    # Alexa's signature checks (cryptography and cffi's backend) from the layer alone.
    assert any(m.startswith("markupsafe/") for m in lambda_run.native_modules)
    assert not [m for m in lambda_run.native_modules if m.startswith(("cryptography", "_cffi"))]
    assert any(
        m.startswith("cryptography/hazmat/bindings/_rust") for m in lambda_run.layer_native_modules
    )
    assert {"cryptography", "_cffi_backend"} <= set(lambda_run.loaded_from_layer)
    if readonly_enforced():
        assert lambda_run.write_probe != "written"
        assert lambda_run.layer_write_probe not in ("written", None)
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


def test_an_article_without_a_smoke_query_stops_the_chain_before_packaging(tmp_path):
    from .conftest import make_content

    content = make_content(tmp_path / "content", "houseplant-watering.txt")
    package = tmp_path / "dev.zip"
    done = _deploy(
        "dev",
        "--dry-run",
        *("--content", str(content), "--index", str(tmp_path / "index")),
        *("--output", str(package)),
    )
    assert done.returncode == 1
    assert "article houseplant-watering has no smoke query" in done.stderr
    assert "stopped at step: 2/5 verify" in done.stderr
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

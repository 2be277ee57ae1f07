"""Run a built Lambda zip as Lambda would, offline: unpack it and its layer read-only, import
Zappa's handler in a clean interpreter and feed it real API Gateway events.

The interpreter is started with `env -i`-style environment, `python -I -S`, and sys.path = the
unpacked package, then the unpacked layer's python/ folder (Lambda's /opt/python), then a
folder holding only boto3 (Lambda's runtime provides it). Where possible it runs in private
network and mount namespaces, with the package and the layer remounted read-only.
"""

from __future__ import annotations

import base64
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

from index.verify import smoke_item_problems

from .layer import LAYER_FOLDER
from .offline import isolated, make_readonly, make_writable, offline_env, readonly_enforced

ROOT = Path(__file__).resolve().parent.parent
EVENTS_DIR = ROOT / "tests" / "fixtures" / "events"
RUNNER = Path(__file__).resolve().parent / "lambda_runner.py"
# The templates check_smoke() retargets at each smoke query: one per API Gateway payload format.
V1_TEMPLATE = "rest-v1-get-answer"
V2_TEMPLATE = "http-v2-get-search"
# Stands in for the secret ops set on the function itself (never in zappa_settings.json); the
# saved Dialogflow event presents it.
WEBHOOK_SECRET = "artifact-check-webhook-secret"


class ArtifactError(Exception):
    """The package could not be run, or it answered differently from what was expected."""


@dataclass
class Invocation:
    """What the handler returned for each event, and how long the cold path took."""

    responses: dict[str, dict]
    timings: dict[str, float]
    foreign_modules: list[str]
    loaded_from_runtime: list[str]
    loaded_from_layer: list[str]
    native_modules: list[str]
    layer_native_modules: list[str]
    write_probe: str
    layer_write_probe: str | None
    wall_ms: float
    stdout: str
    stderr: str
    isolated: bool

    def status_and_json(self, name: str) -> tuple[int, dict]:
        """Return the status code and the decoded JSON body of one event's response."""
        response = self.responses[name]
        body = response.get("body") or ""
        if response.get("isBase64Encoded"):
            body = base64.b64decode(body).decode()
        return response["statusCode"], json.loads(body) if body else {}

    def header(self, name: str, header: str) -> str | None:
        """Return a response header, case-insensitively."""
        headers = self.responses[name].get("headers") or {}
        return next((v for k, v in headers.items() if k.lower() == header.lower()), None)

    def query_log_lines(self) -> list[dict]:
        """Return the structured query log lines the app printed to stdout."""
        lines = []
        for line in self.stdout.splitlines():
            if line.startswith("{"):
                record = json.loads(line)
                if record.get("event") == "query":
                    lines.append(record)
        return lines


def load_event(name: str, events_dir: Path = EVENTS_DIR) -> dict:
    """Return one saved API Gateway event by file name (without .json)."""
    return json.loads((events_dir / f"{name}.json").read_text())


def saved_events(events_dir: Path = EVENTS_DIR) -> dict[str, dict]:
    """Return every saved event, by name."""
    return {p.stem: json.loads(p.read_text()) for p in sorted(events_dir.glob("*.json"))}


def retarget(event: dict, path: str, params: dict[str, str]) -> dict:
    """Return a copy of a saved GET event asking path?params instead, in the same format."""
    new = copy.deepcopy(event)
    if new.get("version") == "2.0":
        new["rawPath"] = path
        new["rawQueryString"] = urlencode(params, quote_via=quote)
        new["queryStringParameters"] = dict(params) or None
        new["requestContext"]["http"]["path"] = path
    else:
        stage = new["requestContext"]["stage"]
        new["path"] = path
        new["pathParameters"] = {"proxy": path.lstrip("/")}
        new["requestContext"]["path"] = f"/{stage}{path}"
        new["queryStringParameters"] = dict(params) or None
        new["multiValueQueryStringParameters"] = {k: [v] for k, v in params.items()} or None
    return new


def unpack(zip_path: Path, dest: Path) -> Path:
    """Unpack the zip into dest (a fresh folder) and drop its write bits."""
    dest.mkdir(parents=True)
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(dest)
    make_readonly(dest)
    return dest


def unpack_layer(zip_path: Path, opt: Path) -> Path:
    """Unpack a layer zip into opt (standing in for /opt), read-only; return opt/python."""
    unpack(zip_path, opt)
    return opt / LAYER_FOLDER


def lambda_env(private_dir: Path, task_root: Path, runtime_dir: Path, function: str) -> dict:
    """Return the environment Lambda gives a python3.11 function (credentials are fake)."""
    return offline_env(
        private_dir,
        LAMBDA_TASK_ROOT=str(task_root),
        LAMBDA_RUNTIME_DIR=str(runtime_dir),
        AWS_EXECUTION_ENV="AWS_Lambda_python3.11",
        AWS_LAMBDA_FUNCTION_NAME=function,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE="512",
        AWS_LAMBDA_FUNCTION_VERSION="$LATEST",
        TZ=":UTC",
        DIALOGFLOW_WEBHOOK_SECRET=WEBHOOK_SECRET,
    )


def python_for_lambda() -> str:
    """Return the real interpreter behind this one (a venv's python is a link to it)."""
    return os.path.realpath(getattr(sys, "_base_executable", None) or sys.executable)


def invoke(
    task_root: Path,
    runtime_dir: Path,
    events: list[tuple[str, dict]],
    function: str = "faq-search-dev",
    timeout: float = 120,
    layer_dir: Path | None = None,
) -> Invocation:
    """Start a clean interpreter on the unpacked package (and layer) and send it the events."""
    with tempfile.TemporaryDirectory(prefix="lambda-run-") as tmp:
        work = Path(tmp)
        events_file = work / "events.json"
        result_file = work / "result.json"
        events_file.write_text(json.dumps(events))
        command = [
            python_for_lambda(),
            "-I",
            "-S",
            str(RUNNER),
            str(task_root),
            str(layer_dir) if layer_dir else "-",
            str(runtime_dir),
            str(events_file),
            str(result_file),
        ]
        env = lambda_env(work / "private", task_root, runtime_dir, function)
        readonly = [task_root, *([layer_dir.parent] if layer_dir else [])]
        wrapped = isolated(command, readonly=readonly)
        started = time.perf_counter()
        done = subprocess.run(
            wrapped,
            cwd=task_root,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        wall_ms = (time.perf_counter() - started) * 1000
        if done.returncode != 0 or not result_file.is_file():
            tail = "\n".join(done.stderr.strip().splitlines()[-25:])
            raise ArtifactError(f"the handler process failed (exit {done.returncode}):\n{tail}")
        result = json.loads(result_file.read_text())
    return Invocation(
        responses={r["name"]: r["response"] for r in result["results"]},
        timings={
            "startup_ms": result["startup_ms"],
            "import_ms": result["import_ms"],
            "first_event_ms": result["first_event_ms"],
            "cold_ms": result["cold_ms"],
            **{f"event:{r['name']}": r["ms"] for r in result["results"]},
        },
        foreign_modules=result["foreign_modules"],
        loaded_from_runtime=result["loaded_from_runtime"],
        loaded_from_layer=result["loaded_from_layer"],
        native_modules=result["native_modules"],
        layer_native_modules=result["layer_native_modules"],
        write_probe=result["write_probe"],
        layer_write_probe=result["layer_write_probe"],
        wall_ms=round(wall_ms, 1),
        stdout=done.stdout,
        stderr=done.stderr,
        isolated=wrapped != command,
    )


def run_zip(
    zip_path: Path,
    runtime_dir: Path,
    events: list[tuple[str, dict]],
    function: str,
    layer_zip: Path | None = None,
) -> Invocation:
    """Unpack zip_path (and layer_zip) into fresh read-only folders, invoke the events, clean up."""
    with tempfile.TemporaryDirectory(prefix="lambda-task-") as tmp:
        task_root, opt = Path(tmp) / "task", Path(tmp) / "opt"
        unpack(zip_path, task_root)
        layer_dir = unpack_layer(layer_zip, opt) if layer_zip else None
        try:
            return invoke(task_root, runtime_dir, events, function, layer_dir=layer_dir)
        finally:
            for folder in (task_root, opt):
                if folder.exists():
                    make_writable(folder)
                    shutil.rmtree(folder, ignore_errors=True)


def smoke_events(smoke: dict) -> list[tuple[str, dict]]:
    """Return, per smoke query, a REST v1 /answer event and an HTTP API v2 /search event."""
    v1, v2 = load_event(V1_TEMPLATE), load_event(V2_TEMPLATE)
    events = []
    for number, item in enumerate(smoke["queries"]):
        events.append((f"smoke-{number}-answer", retarget(v1, "/answer", {"q": item["q"]})))
        events.append((f"smoke-{number}-search", retarget(v2, "/search", {"q": item["q"]})))
    return events


FIXED_EXPECTATIONS = {
    # saved event name -> (status, error code or None)
    "rest-v1-get-health": (200, None),
    # Generated with apispec on the first request: the package ships it and what it imports.
    "rest-v1-get-openapi": (200, None),
    "rest-v1-get-search-no-words": (400, "no_words"),
    "http-v2-get-missing-route": (404, "not_found"),
    # A Dialogflow call, body base64-encoded by API Gateway, with the webhook secret.
    "http-v2-post-dialogflow-base64": (200, None),
    # An Alexa request without Amazon's signature: a deployed stage refuses it.
    "rest-v1-post-alexa-unsigned": (400, "missing_signature"),
}


def check_responses(invocation: Invocation, smoke: dict, index_version: str) -> list[str]:
    """Return every way the handler's answers differ from the smoke file and the fixed events."""
    problems = []
    for name, (status, code) in FIXED_EXPECTATIONS.items():
        got, body = invocation.status_and_json(name)
        if got != status or (code and body.get("error", {}).get("code") != code):
            problems.append(f"{name}: expected {status} {code or ''}, got {got} {body}")
    _, spoken = invocation.status_and_json("http-v2-post-dialogflow-base64")
    if not spoken.get("fulfillmentText"):
        problems.append(f"the Dialogflow webhook said nothing: {spoken}")
    _, health = invocation.status_and_json("rest-v1-get-health")
    if health.get("index_version") != index_version:
        problems.append(f"/health serves index {health.get('index_version')}, not {index_version}")
    for number, item in enumerate(smoke["queries"]):
        status, answer = invocation.status_and_json(f"smoke-{number}-answer")
        s_status, search = invocation.status_and_json(f"smoke-{number}-search")
        if status != 200 or s_status != 200:
            problems.append(f"{item['q']!r}: /answer {status}, /search {s_status}, expected 200")
            continue
        top = search["results"][0]["section"] if search["results"] else None
        found = answer["answer"]
        items = [i["title"] for i in found.get("items", [])] if found else None
        problems += smoke_item_problems(
            item, top, found and found["section"], found is not None, items
        )
    return problems


def check_artifact(
    zip_path: Path,
    runtime_dir: Path,
    smoke: dict,
    function: str = "faq-search-dev",
    layer_zip: Path | None = None,
) -> tuple[Invocation, list[str]]:
    """Run the saved events and the smoke queries through the zip and its layer; return
    problems found."""
    with zipfile.ZipFile(zip_path) as archive:
        info = json.loads(archive.read("package_info.json"))
    fixed = [(name, load_event(name)) for name in FIXED_EXPECTATIONS]
    events = [*smoke_events(smoke), *fixed]
    invocation = run_zip(zip_path, runtime_dir, events, function, layer_zip)
    problems = check_responses(invocation, smoke, info["index_version"])
    if invocation.foreign_modules:
        problems.append(f"modules loaded from outside the package: {invocation.foreign_modules}")
    if invocation.write_probe == "written" and readonly_enforced():
        problems.append("the package folder was writable: the read-only check did not apply")
    if layer_zip and "cryptography" not in invocation.loaded_from_layer:
        # The unsigned Alexa event imports the verifier: its cryptography must be the layer's.
        problems.append(
            f"cryptography was not loaded from the layer (layer modules loaded: "
            f"{invocation.loaded_from_layer})"
        )
    return invocation, problems

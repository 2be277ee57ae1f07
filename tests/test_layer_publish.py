"""Publishing the layer: reuse by hash, the version's description, and the settings Zappa reads.

AWS is never contacted: the Lambda client is a fake that keeps layer versions in memory and
answers list_layer_versions a page at a time, as the real API does.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from types import SimpleNamespace

import pytest

from ops.layer import layer_name
from ops.layer_publish import (
    DESCRIPTION_LIMIT,
    description_for,
    hash_in,
    publish_or_reuse,
    with_layer,
)
from ops.offline import can_isolate, isolated, offline_env
from ops.package import _ZAPPA_OFFLINE
from ops.settings import stage_settings
from ops.venvs import ensure_deploy_venv

from .conftest import ROOT

PINS = {"cryptography": "50.0.2", "cffi": "2.1.1", "pycparser": "3.12"}
ARN = "arn:aws:lambda:us-east-1:123456789012:layer:faq-search-dev-cryptography"


class NotFound(Exception):
    """What boto3's client raises for a layer that was never published."""


class FakeLambda:
    """Layer versions in memory; list_layer_versions pages like the real API (newest first)."""

    exceptions = SimpleNamespace(ResourceNotFoundException=NotFound)

    def __init__(self, versions: list[dict] | None = None, page_size: int = 1):
        self.versions = list(versions or [])
        self.page_size = page_size
        self.published: list[dict] = []
        self.listed: list[dict] = []

    def list_layer_versions(self, **kwargs) -> dict:
        self.listed.append(kwargs)
        if not self.versions:
            raise NotFound(kwargs["LayerName"])
        start = int(kwargs.get("Marker", 0))
        newest_first = sorted(self.versions, key=lambda v: -v["Version"])
        page = {"LayerVersions": newest_first[start : start + self.page_size]}
        if start + self.page_size < len(newest_first):
            page["NextMarker"] = str(start + self.page_size)
        return page

    def publish_layer_version(self, **kwargs) -> dict:
        self.published.append(kwargs)
        number = max((v["Version"] for v in self.versions), default=0) + 1
        version = {
            "LayerVersionArn": f"{ARN}:{number}",
            "Version": number,
            "Description": kwargs["Description"],
        }
        self.versions.append(version)
        return version


def _version(number: int, sha256: str) -> dict:
    return {
        "LayerVersionArn": f"{ARN}:{number}",
        "Version": number,
        "Description": description_for(sha256, PINS),
    }


@pytest.fixture()
def layer_zip(tmp_path):
    """A small stand-in for the layer zip; only its bytes matter here."""
    path = tmp_path / "dev-layer.zip"
    path.write_bytes(b"PK layer bytes")
    return path


def test_description_names_the_contents_and_ends_with_the_hash():
    sha = "ab" * 32
    text = description_for(sha, PINS)
    assert text.startswith("cryptography 50.0.2, cffi 2.1.1, pycparser 3.12")
    assert text.endswith(f"sha256:{sha}")
    assert len(text) <= DESCRIPTION_LIMIT
    assert hash_in(text) == sha
    assert hash_in("published by hand") is None
    assert hash_in(None) is None


def test_first_publish_of_a_layer_uploads_the_zip_for_python_3_11(layer_zip):
    client = FakeLambda()
    arn, published = publish_or_reuse(client, "faq-search-dev-cryptography", layer_zip, PINS)
    assert (arn, published) == (f"{ARN}:1", True)
    [call] = client.published
    assert call["LayerName"] == "faq-search-dev-cryptography"
    assert call["Content"] == {"ZipFile": layer_zip.read_bytes()}
    assert call["CompatibleRuntimes"] == ["python3.11"]
    assert call["CompatibleArchitectures"] == ["x86_64"]
    sha = hashlib.sha256(layer_zip.read_bytes()).hexdigest()
    assert call["Description"].endswith(f"sha256:{sha}")


def test_a_version_with_the_same_hash_is_reused_even_on_a_later_page(layer_zip):
    sha = hashlib.sha256(layer_zip.read_bytes()).hexdigest()
    # Version 2 holds this zip; versions 3 and 4 (newer, other contents) come first.
    client = FakeLambda([_version(2, sha), _version(3, "0" * 64), _version(4, "1" * 64)])
    arn, published = publish_or_reuse(client, "faq-search-dev-cryptography", layer_zip, PINS)
    assert (arn, published) == (f"{ARN}:2", False)
    assert client.published == []
    assert [call.get("Marker") for call in client.listed] == [None, "1", "2"]


def test_a_changed_zip_publishes_a_new_version_and_the_newest_match_wins(layer_zip):
    client = FakeLambda([_version(1, "0" * 64)], page_size=50)
    arn, published = publish_or_reuse(client, "faq-search-dev-cryptography", layer_zip, PINS)
    assert (arn, published) == (f"{ARN}:2", True)
    # Published again by hand with the same contents: the newest such version is used.
    sha = hashlib.sha256(layer_zip.read_bytes()).hexdigest()
    client.versions.append(_version(3, sha))
    assert publish_or_reuse(client, "faq-search-dev-cryptography", layer_zip, PINS) == (
        f"{ARN}:3",
        False,
    )


def test_upload_settings_are_the_resolved_stage_with_the_layer_arn():
    prod = stage_settings("prod")
    derived = with_layer(prod, "prod", f"{ARN}:7")
    assert list(derived) == ["prod"]
    stage = derived["prod"]
    assert stage["layers"] == [f"{ARN}:7"]
    assert "extends" not in stage
    # Everything else is the stage as Zappa resolves it (prod's own keys over dev's).
    assert {k: v for k, v in stage.items() if k != "layers"} == prod
    assert stage["keep_warm"] is True and stage["runtime"] == "python3.11"


def test_upload_settings_keep_other_layers_and_replace_an_older_version_of_ours():
    other = "arn:aws:lambda:us-east-1:123456789012:layer:otel-collector:3"
    settings = {**stage_settings("dev"), "layers": [other, f"{ARN}:4"]}
    assert with_layer(settings, "dev", f"{ARN}:5")["dev"]["layers"] == [other, f"{ARN}:5"]


def test_layer_name_is_per_project_and_stage():
    assert layer_name(stage_settings("dev"), "dev") == "faq-search-dev-cryptography"
    assert layer_name(stage_settings("prod"), "prod") == "faq-search-prod-cryptography"


def _publish(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "publish_layer.py"), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_dry_run_names_the_layer_and_hash_and_touches_nothing(layer_zip, tmp_path):
    out = tmp_path / "dev-zappa_settings.json"
    done = _publish("dev", str(layer_zip), "--settings-out", str(out), "--dry-run")
    assert done.returncode == 0, done.stderr
    sha = hashlib.sha256(layer_zip.read_bytes()).hexdigest()
    assert "layer faq-search-dev-cryptography (python3.11)" in done.stdout
    assert f"sha256:{sha}" in done.stdout
    assert not out.exists()
    helped = _publish("--help")
    assert helped.returncode == 0 and "Example:" in helped.stdout


def test_publish_refuses_a_missing_zip_or_stage(tmp_path):
    out = str(tmp_path / "s.json")
    done = _publish("dev", str(tmp_path / "none.zip"), "--settings-out", out)
    assert done.returncode == 1
    assert "no layer zip at" in done.stderr
    done = _publish("qa", str(tmp_path / "none.zip"), "--settings-out", out)
    assert done.returncode == 1
    assert "unknown stage 'qa'" in done.stderr


# Zappa's own settings loader, in the packaging venv: what `zappa update STAGE -s FILE` reads.
_ZAPPA_READS = (
    "import json, sys\n"
    "from zappa.cli import ZappaCLI\n"
    "cli = ZappaCLI()\n"
    "cli.api_stage = sys.argv[2]\n"
    "cli.load_settings(sys.argv[1])\n"
    "print(json.dumps({'layers': cli.layers, 'lambda_name': cli.lambda_name,\n"
    "                  'runtime': cli.runtime, 'app_function': cli.app_function}))\n"
)


@pytest.mark.slow
def test_zappa_reads_the_layer_from_the_derived_settings_file(tmp_path):
    venv = ensure_deploy_venv()
    path = tmp_path / "prod-zappa_settings.json"
    path.write_text(json.dumps(with_layer(stage_settings("prod"), "prod", f"{ARN}:9")))
    python = str(venv / "bin" / "python")
    env = offline_env(tmp_path / "private", VIRTUAL_ENV=str(venv))
    done = subprocess.run(
        isolated([python, "-c", _ZAPPA_READS, str(path), "prod"]),
        cwd=tmp_path,  # no zappa_settings.json here: only the file given is read
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {
        "layers": [f"{ARN}:9"],
        "lambda_name": "faq-search-prod",
        "runtime": "python3.11",
        "app_function": "service.wsgi.app",
    }
    # `zappa update` and `zappa deploy` take that file with -s.
    for command in ("update", "deploy"):
        helped = subprocess.run(
            isolated([python, "-c", _ZAPPA_OFFLINE, command, "--help"]),
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert "-s SETTINGS_FILE, --settings_file SETTINGS_FILE" in helped.stdout
        assert "-z ZIP, --zip ZIP" in helped.stdout


@pytest.mark.slow
@pytest.mark.skipif(not can_isolate(), reason="needs a network namespace (root and unshare)")
def test_publishing_offline_fails_clearly_and_writes_no_settings(layer_zip, tmp_path):
    venv = ensure_deploy_venv()
    out = tmp_path / "dev-zappa_settings.json"
    command = [str(venv / "bin" / "python"), "scripts/publish_layer.py", "dev", str(layer_zip)]
    done = subprocess.run(
        isolated([*command, "--settings-out", str(out)]),
        cwd=ROOT,
        env=offline_env(tmp_path / "private", VIRTUAL_ENV=str(venv)),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # boto3 gets as far as asking Lambda for the layer's versions, and says so.
    assert done.returncode == 1
    assert "cannot publish layer faq-search-dev-cryptography" in done.stderr
    assert "lambda.us-east-1.amazonaws.com" in done.stderr
    assert not out.exists()

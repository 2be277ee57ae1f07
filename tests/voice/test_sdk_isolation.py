"""The platforms' SDKs are test tools: pinned for the tests, never run or shipped by the service."""

from __future__ import annotations

import ast

import pytest

from ops.venvs import canonical, read_pins

from ..conftest import ROOT

SDKS = (
    "ask-sdk-core",
    "ask-sdk-model",
    "ask-smapi-model",
    "google-cloud-dialogflow",
    "google-cloud-dialogflow-cx",
)
SDK_MODULES = ("ask_sdk_core", "ask_sdk_model", "ask_smapi_model", "google")


@pytest.mark.parametrize("sdk", SDKS)
def test_each_sdk_is_pinned_for_the_tests_only(sdk):
    assert read_pins(ROOT / "requirements-dev.txt").get(canonical(sdk))
    for shipped in ("requirements.txt", "requirements-deploy.txt"):
        assert canonical(sdk) not in read_pins(ROOT / shipped), shipped


def imported_modules(path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", ["service", "index"])
def test_the_service_never_imports_an_sdk(package):
    sources = sorted((ROOT / package).rglob("*.py"))
    assert sources
    for source in sources:
        assert not imported_modules(source) & set(SDK_MODULES), source

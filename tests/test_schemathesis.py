"""Schemathesis against the service's own /openapi.json: every operation, positive and negative.

The schema is loaded from the WSGI app's /openapi.json, so what is checked is what is served;
a route is covered as soon as the SPEC describes it. Checks: no 5xx, documented status codes,
content types, headers and response schemas, schema-violating requests rejected with a 4xx, and
tests/invariants.py on every response.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi import checks as openapi_checks
from werkzeug.datastructures import Headers

from .conftest import FUZZ_SECRET, fuzz_app
from .invariants import check_response, count_requests
from .strategies import examples

# The schema is read when tests are collected (Schemathesis' lazy fixture loader does not work
# with this pytest), before any fixture runs: the app serves /openapi.json without an index, and
# the index is copied into this folder before the first test.
_INDEX = Path(tempfile.mkdtemp(prefix="schemathesis-index-"))
APP = fuzz_app(_INDEX)
count_requests(APP, "schemathesis")
CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {"mode": "all", "max-examples": examples(600), "database": "none"},
        # The webhook's real secret, so checks of refused credentials have one to compare with.
        "auth": {"openapi": {"dialogflowBearer": {"bearer": FUZZ_SECRET}}},
    }
)
schema = schemathesis.openapi.from_wsgi("/openapi.json", APP, config=CONFIG)


@pytest.fixture(scope="module", autouse=True)
def _served_index(fuzz_index):
    shutil.copytree(fuzz_index, _INDEX, dirs_exist_ok=True)
    yield
    shutil.rmtree(_INDEX, ignore_errors=True)


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_api_conforms_to_its_openapi_description(case):
    """Every generated request: no 5xx, and the response is what the description promises."""
    # A schema-valid q can still hold no word ("*") or grow past 200 characters under NFKC:
    # the API rightly answers 400 there, so "valid data must be accepted" is not checked.
    excluded = [openapi_checks.positive_data_acceptance]
    if case.operation.path.startswith("/voice/"):
        # Voice envelopes are read leniently on purpose (ASK: unknown request types get an empty
        # reply), so a body off the schema may get a 200; it must still be a documented reply.
        excluded.append(openapi_checks.negative_data_rejection)
    response = case.call_and_validate(excluded_checks=excluded)
    headers = Headers([(k, v) for k, values in response.headers.items() for v in values])
    try:
        check_response(response.status_code, headers, response.content, case.method)
    except AssertionError as exc:
        raise AssertionError(f"{case.method} {case.formatted_path} {case.query}: {exc}") from exc

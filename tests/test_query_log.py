"""One structured JSON log line per query: what ops read in CloudWatch."""

import json
import logging

import pytest

from service import query_log

RECORD_KEYS = {
    "event",
    "time",
    "route",
    "query",
    "corrected",
    "offset",
    "results",
    "top_id",
    "answered",
    "confidence",
    "latency_ms",
    "index_version",
}


@pytest.fixture()
def query_lines(caplog):
    """Collect the query log records (the logger does not propagate to the root logger)."""
    query_log.logger.addHandler(caplog.handler)
    try:
        yield lambda: [json.loads(r.getMessage()) for r in caplog.records]
    finally:
        query_log.logger.removeHandler(caplog.handler)


def test_answer_logs_one_line_with_what_ops_need(client, query_lines):
    answer = client.get(
        "/answer?q=Reason  for restless leg SYNDROME",
        headers={"X-Forwarded-For": "203.0.113.7", "Authorization": "Bearer secret-token"},
        environ_base={"REMOTE_ADDR": "198.51.100.23"},
    ).get_json()
    [line] = query_lines()
    assert set(line) == RECORD_KEYS
    assert line["event"] == "query"
    assert line["route"] == "/answer"
    assert line["query"] == "reason for restless leg syndrome"
    assert line["answered"] is True
    assert line["top_id"] == answer["answer"]["id"]
    assert line["confidence"] == answer["answer"]["confidence"]
    assert line["results"] >= 1
    assert line["index_version"] == answer["index_version"]
    assert line["latency_ms"] > 0
    flat = json.dumps(line)
    for secret in ("203.0.113.7", "198.51.100.23", "secret-token"):
        assert secret not in flat


def test_unanswered_and_empty_queries_are_logged(client, query_lines):
    client.get("/answer?q=chocolate cake recipe")
    client.get("/search?q=zzqx vvbn")
    no_answer, no_result = query_lines()
    assert (no_answer["route"], no_answer["answered"]) == ("/answer", False)
    assert no_result["route"] == "/search"
    assert no_result["results"] == 0
    assert no_result["top_id"] is None
    assert no_result["answered"] is None
    assert no_result["confidence"] is None


def test_search_logs_page_and_top_hit(client, query_lines):
    body = client.get("/search?q=iron deficiency and dopamine&limit=2&offset=1").get_json()
    [line] = query_lines()
    assert line["route"] == "/search"
    assert line["offset"] == 1
    assert line["results"] == body["total"]
    assert line["top_id"] == body["results"][0]["id"]
    assert line["answered"] is None


def test_bad_requests_are_not_logged_as_queries(client, query_lines):
    assert client.get("/search?q=*").status_code == 400
    assert client.get("/answer").status_code == 400
    assert query_lines() == []


def test_line_is_plain_json_on_stdout_even_when_root_logs_warnings_only(client, capsys):
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.WARNING)  # what Zappa does with log_level WARNING in prod
    try:
        client.get("/answer?q=is rls genetic")
    finally:
        root.setLevel(level)
    lines = [x for x in capsys.readouterr().out.splitlines() if x.strip()]
    assert len(lines) == 1
    assert json.loads(lines[0])["query"] == "is rls genetic"

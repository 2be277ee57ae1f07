"""The ops command lines: verify_index.py, query_report.py, package.py's settings, their help."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys

import pytest

from ops.offline import can_isolate, isolated, offline_env
from ops.settings import SettingsError, stage_settings, upload_problems
from ops.venvs import ensure_deploy_venv
from service import query_log
from service.config import ENV_SETTINGS

from .conftest import ROOT, make_content

SCRIPTS = [
    "verify_index.py",
    "package.py",
    "check_artifact.py",
    "query_report.py",
    "cold_start.py",
    "stage_settings.py",
    "publish_layer.py",
    "zappa_roles.py",
    "lifecycle.py",
]


def _script(name: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / name), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("name", SCRIPTS)
def test_every_ops_script_has_help_with_an_example(name):
    done = _script(name, "--help")
    assert done.returncode == 0
    assert "Example" in done.stdout
    assert f"scripts/{name}" in done.stdout


# verify_index.py


def test_verify_passes_on_a_fresh_build(index_dir, content_dir):
    done = _script("verify_index.py", "--index", str(index_dir), "--content", str(content_dir))
    assert done.returncode == 0, done.stderr
    assert "verified: 1 articles, 8 passages" in done.stdout
    assert "6 smoke queries pass" in done.stdout


def test_verify_fails_when_the_content_changed_after_the_build(tmp_path, index_dir):
    content = make_content(tmp_path / "content", "cast-iron-skillet-care.txt")
    done = _script("verify_index.py", "--index", str(index_dir), "--content", str(content))
    assert done.returncode == 1
    assert "was not built from this content" in done.stderr
    assert "manifest article_count is 1, the content has 2" in done.stderr
    assert "article cast-iron-skillet-care: None passages in the index" in done.stderr


def test_verify_names_the_smoke_query_that_misses(tmp_path, index_dir, content_dir):
    smoke = tmp_path / "smoke.json"
    smoke.write_text(
        json.dumps(
            {
                "queries": [
                    {"q": "iron deficiency and dopamine", "sections": ["Iron Deficiency"]},
                    {"q": "peripheral neuropathy", "answer": True, "sections": ["Conclusion"]},
                    {"q": "is rls genetic", "none": True},
                ]
            }
        )
    )
    done = _script(
        "verify_index.py",
        *("--index", str(index_dir), "--content", str(content_dir), "--smoke", str(smoke)),
    )
    assert done.returncode == 1
    lines = [x.strip() for x in done.stderr.splitlines()]
    assert (
        "'peripheral neuropathy': top section 'Peripheral Neuropathy', expected one of "
        "['Conclusion']" in lines
    )
    assert "'is rls genetic': expected no answer, got one from 'Genetic Predisposition'" in lines
    assert not any("iron deficiency" in x for x in lines)


def test_verify_reports_missing_index_and_bad_smoke_file(tmp_path, content_dir, index_dir):
    done = _script("verify_index.py", "--index", str(tmp_path), "--content", str(content_dir))
    assert done.returncode == 1
    assert "no index at" in done.stderr
    bad = tmp_path / "bad.json"
    bad.write_text('{"queries": [{"q": "x"}]}')
    done = _script(
        "verify_index.py",
        *("--index", str(index_dir), "--content", str(content_dir), "--smoke", str(bad)),
    )
    assert done.returncode == 1
    assert "query 1 needs a 'q' and either 'sections'" in done.stderr


def test_verify_names_an_article_without_a_smoke_query_until_it_has_one(tmp_path):
    from index.build import build_index

    content = make_content(tmp_path / "content", "cast-iron-skillet-care.txt")
    index = tmp_path / "index"
    build_index(content, index)
    args = ("--index", str(index), "--content", str(content))
    done = _script("verify_index.py", *args)
    assert done.returncode == 1
    assert "article cast-iron-skillet-care has no smoke query" in done.stderr
    assert "restless-leg-syndrome" not in done.stderr  # the seed article has its queries
    smoke_file = content / "smoke-queries.json"
    smoke = json.loads(smoke_file.read_text())
    smoke["queries"].append({"q": "remove rust from a skillet", "sections": ["Removing Rust"]})
    smoke_file.write_text(json.dumps(smoke))
    done = _script("verify_index.py", *args)
    assert done.returncode == 0, done.stderr
    assert "verified: 2 articles" in done.stdout


# zappa_settings.json and scripts/stage_settings.py


def test_settings_give_both_stages_what_lambda_needs():
    dev, prod = stage_settings("dev"), stage_settings("prod")
    for stage in (dev, prod):
        assert stage["runtime"] == "python3.11"
        assert stage["app_function"] == "service.wsgi.app"
        assert stage["debug"] is False
        assert stage["use_precompiled_packages"] is False
        assert stage["slim_handler"] is False
        # API Gateway base64-encodes POST bodies; Zappa decodes them only with binary_support.
        assert stage["binary_support"] is True
        # Dialogflow waits 5 s for a webhook; API Gateway cuts at 29 s.
        assert 5 < stage["timeout_seconds"] < 29
        env = stage["environment_variables"]
        assert env["SEARCH_INDEX_DIR"] == "index_data"
        assert env["ALEXA_VERIFY_SIGNATURES"] == "true"
        assert env["DEPLOYED"] == "true"
        assert {"ALEXA_SKILL_IDS", "CORS_ORIGINS"} <= set(env)
        # Every setting the service reads is set per stage, except secrets: a value here would
        # be baked into the zip and override the one set on the function.
        assert {k for k in ENV_SETTINGS if "SECRET" not in k} <= set(env)
        assert not [k for k in env if "SECRET" in k or "KEY" in k]
        assert {"boto3", "botocore", "troposphere", "pip", "setuptools", "tests"} <= set(
            stage["exclude"]
        )
    assert (dev["log_level"], prod["log_level"]) == ("INFO", "WARNING")
    assert prod["keep_warm"] is True
    assert prod["exclude"] == dev["exclude"]


def test_the_app_function_is_a_module_level_flask_app():
    done = subprocess.run(
        [sys.executable, "-c", "import service.wsgi as w; print(type(w.app).__name__)"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "Flask"


def test_upload_needs_a_real_bucket(tmp_path):
    settings = json.loads((ROOT / "zappa_settings.json").read_text())
    assert upload_problems(stage_settings("prod"))  # the committed file holds placeholders
    settings["prod"]["s3_bucket"] = "faq-search-deploys-example"
    path = tmp_path / "zappa_settings.json"
    path.write_text(json.dumps(settings))
    assert upload_problems(stage_settings("prod", path)) == []
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "stage_settings.py"), "prod", "--upload"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "s3_bucket is 'CHANGE-ME" in done.stderr


def test_unknown_stage_and_circular_extends_are_clear_errors(tmp_path):
    with pytest.raises(SettingsError, match="unknown stage 'qa'.*known stages: dev, prod"):
        stage_settings("qa")
    path = tmp_path / "zappa_settings.json"
    path.write_text(json.dumps({"a": {"extends": "b"}, "b": {"extends": "a"}}))
    with pytest.raises(SettingsError, match="circular 'extends': a -> b -> a"):
        stage_settings("a", path)


# query_report.py


# Queries the seed article matches but (at the time of writing) does not answer confidently.
VAGUE = ["leg cramps at night", "restless arms", "symptoms of rls in children"]


@pytest.fixture()
def log_lines(client, capsys):
    """Real query log lines, produced by the app for a small mix of traffic."""
    capsys.readouterr()
    for q in ["reason for restless leg syndrome"] * 3 + ["is rls genetic"] * 2 + VAGUE:
        client.get("/answer", query_string={"q": q})
    for q in ["chocolate cake recipe", "chocolate cake recipe", "zzqx vvbn"]:
        client.get("/answer", query_string={"q": q})
    client.get("/search", query_string={"q": "Reason for restless leg syndrome", "offset": 5})
    lines = [x for x in capsys.readouterr().out.splitlines() if x.startswith("{")]
    assert len(lines) == 12
    return lines


def _section(report: str, title: str) -> list[list[str]]:
    block = report.split(title)[1].split("\n\n")[0].splitlines()[1:]
    return [line.split(None, 1) for line in block if line.strip() != "(none)"]


def test_report_lists_frequent_missing_and_unanswered_queries(tmp_path, log_lines):
    records = [json.loads(x) for x in log_lines]
    unanswered = sorted(r["query"] for r in records if r["results"] and r["answered"] is False)
    assert unanswered, "precondition: some vague query should match without an answer"
    # A CloudWatch export: timestamp, then the message; with an access log line in between.
    export = tmp_path / "export.log"
    export.write_text(
        "".join(f"2025-11-25T08:42:{n:02d}.000Z {line}\n" for n, line in enumerate(log_lines))
        + '2025-11-25T08:43:00.000Z 203.0.113.9 - - "GET /health HTTP/1.1" 200 98\n'
    )
    done = _script("query_report.py", str(export), "--top", "5")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("12 query log lines, 7 distinct queries, from 1 file(s)")
    assert _section(out, "Most frequent queries")[:3] == [
        ["3", "reason for restless leg syndrome"],
        ["2", "chocolate cake recipe"],
        ["2", "is rls genetic"],
    ]
    assert _section(out, "No results") == [["2", "chocolate cake recipe"], ["1", "zzqx vvbn"]]
    assert sorted(q for _, q in _section(out, "No answer")) == unanswered
    # The later page of a search is not counted as a new query.
    assert all(int(n) <= 3 for n, _ in _section(out, "Most frequent queries"))


def test_report_writes_the_popular_queries_the_search_box_offers(tmp_path, log_lines):
    from index.popular import load_popular

    log = tmp_path / "lambda.log"
    log.write_text("\n".join(log_lines) + "\n")
    popular = tmp_path / "popular-queries.txt"
    done = _script("query_report.py", str(log), "--popular", str(popular), "--min-count", "2")
    assert done.returncode == 0, done.stderr
    assert f"{popular}: 2 popular queries" in done.stdout
    # Asked twice or more and found something; "chocolate cake recipe" (twice) found nothing.
    assert load_popular(popular) == [
        ("reason for restless leg syndrome", 3),
        ("is rls genetic", 2),
    ]


def test_report_reads_gzip_and_aws_cli_output_and_prints_json(tmp_path, log_lines):
    gz = tmp_path / "part-000.gz"
    gz.write_bytes(gzip.compress("\n".join(log_lines[:4]).encode()))
    cli = tmp_path / "events.json"
    cli.write_text(
        json.dumps(
            {
                "events": [
                    {"logStreamName": "s", "timestamp": 1, "message": line + "\n"}
                    for line in log_lines[4:]
                ],
                "searchedLogStreams": [],
            },
            indent=2,
        )
    )
    done = _script("query_report.py", str(gz), str(cli), "--json", "--low-confidence", "1.0")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["records"] == 12
    assert data["routes"] == {"/answer": 11, "/search": 1}
    assert data["most_frequent"][0] == {"query": "reason for restless leg syndrome", "count": 3}
    assert data["latency_ms"]["median"] > 0


def test_report_fails_clearly_on_unreadable_or_empty_input(tmp_path):
    done = _script("query_report.py", str(tmp_path / "missing.log"))
    assert done.returncode == 1
    assert "missing.log: cannot be read" in done.stderr
    empty = tmp_path / "other.log"
    empty.write_text("START RequestId: 1\nEND RequestId: 1\n")
    done = _script("query_report.py", str(empty))
    assert done.returncode == 1
    assert "no query log lines found" in done.stderr


def test_package_script_fails_clearly_without_an_index(tmp_path):
    done = _script("package.py", "dev", "--index", str(tmp_path / "none"))
    assert done.returncode == 1
    assert done.stderr.startswith("package failed: no index at")


def test_check_artifact_rejects_a_file_that_is_not_a_package(tmp_path):
    bogus = tmp_path / "bogus.zip"
    bogus.write_bytes(b"not a zip")
    done = _script("check_artifact.py", str(bogus))
    assert done.returncode == 1
    assert "is not a package from scripts/package.py" in done.stderr


def test_query_log_module_is_what_the_report_reads(tmp_path, client, capsys):
    capsys.readouterr()
    client.get("/answer?q=is rls genetic")
    line = capsys.readouterr().out.strip()
    assert json.loads(line)["event"] == query_log.EVENT
    (tmp_path / "one.log").write_text(line + "\n")
    assert _script("query_report.py", str(tmp_path / "one.log")).returncode == 0


@pytest.mark.skipif(not can_isolate(), reason="needs a network namespace (root and unshare)")
def test_first_deploy_role_step_loads_the_stage_and_only_then_needs_aws(tmp_path):
    venv = ensure_deploy_venv()
    command = [str(venv / "bin" / "python"), "scripts/zappa_roles.py", "dev"]
    done = subprocess.run(
        isolated(command),
        cwd=ROOT,
        env=offline_env(tmp_path, VIRTUAL_ENV=str(venv)),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # Offline, Zappa gets as far as asking IAM for the stage's role, and says so.
    assert done.returncode == 1
    assert "cannot set up the IAM role for dev" in done.stderr
    assert "iam.amazonaws.com" in done.stderr


def test_ops_holds_the_logic_and_scripts_hold_its_command_lines():
    # ops/lambda_runner.py is no command line for people: the artifact harness (ops/artifact.py)
    # runs it inside the stand-in Lambda process.
    for path in sorted((ROOT / "ops").glob("*.py")):
        if path.name == "lambda_runner.py":
            continue
        text = path.read_text()
        assert "argparse" not in text and "__main__" not in text, f"{path}: a command line"
        assert "python -m ops." not in text, f"{path}: names a command line that moved"

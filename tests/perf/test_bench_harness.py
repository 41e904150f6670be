"""``make bench`` cannot rot: the whole harness (``python -m bench``) at a tiny scale with a few
requests — gunicorn really started on free ports, a real sign-in, locust for a few seconds,
the batch jobs, and on PostgreSQL the two job workers. The table and the JSON must have every
section with numbers in it; timing is never asserted."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
MEASURED = {"page", "portal", "api", "floor", "mixed"}


@pytest.fixture
def database_url():
    """SQLite under the run's own directory, or on PostgreSQL a database of its own."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield None
        return
    import psycopg

    name = f"rapport_bench_{uuid.uuid4().hex[:8]}"
    admin = urlsplit(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlsplit(url)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_harness_runs_every_section(tmp_path, database_url):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "RAPPORT_BENCH", "RAPPORT_MODE", "REDIS_URL"}
    }
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT)])
    if database_url:
        env["DATABASE_URL"] = database_url
    command = [sys.executable, "-m", "bench", "--scale", "0.001", "--requests", "3"]
    command += ["--users", "3", "--duration", "10", "--jobs", "12", "--out", str(tmp_path)]
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]

    for heading in ("p50 ms", "p95 ms", "p99 ms", "req/s", "queries/req", "peak MB", "target"):
        assert heading in done.stdout
    [written] = tmp_path.glob("2*.json")
    result = json.loads(written.read_text())
    lines = result["lines"]
    sections = {line["section"] for line in lines}
    expected = MEASURED | {"memory", "batch"} | ({"jobs"} if database_url else set())
    assert expected <= sections, sections
    for section in sections:
        assert f"[{section}]" in done.stdout

    names = {line["name"] for line in lines}
    for page in ("home", "portfolio", "project", "status report", "change request", "meeting"):
        assert page in names
    assert {"feedback analysis", "lessons search", "portal home", "portal project"} <= names
    assert {"projects_list", "clients_list", "portal_projects_list"} <= names
    assert "projects_list share of the floor" in names

    [share] = [line for line in lines if line["name"] == "projects_list share of the floor"]
    assert share["detail"]["share"] > 0 and share["met"] in {True, False}
    for line in lines:
        if line["section"] in MEASURED and line is not share and line["count"]:
            assert line["count"] > 0, line
            assert line["p50_ms"] > 0 and line["p95_ms"] >= line["p50_ms"], line
            assert line["p99_ms"] >= line["p95_ms"], line
        if line["section"] in {"page", "portal", "api"}:
            assert line["errors"] == 0, line  # every page and list answers 200
            assert line["queries"] >= 1, line  # X-Queries came back from the server
            assert line["per_second"] > 0 and line["peak_mb"] > 0, line
            assert line["met"] in {True, False} and line["target"], line
    [mixed] = [line for line in lines if line["name"].startswith("mixed: all")]
    assert mixed["count"] > 0 and mixed["peak_mb"] > 0
    assert "database_is_locked" in mixed["detail"]
    assert any(line["name"].startswith(("read:", "write:")) for line in lines)
    [memory] = [line for line in lines if line["section"] == "memory"]
    assert memory["peak_mb"] > 0
    batch = {line["name"]: line for line in lines if line["section"] == "batch"}
    assert batch["weekly drafting, every active project"]["count"] > 0
    assert batch["weekly drafting, every active project"]["detail"]["ms_per_project"] > 0
    assert batch["health score, every client"]["count"] > 0
    assert "daily cadence digest" in batch
    if database_url:
        [jobs] = [line for line in lines if line["section"] == "jobs"]
        assert jobs["detail"]["run_twice"] == 0 and jobs["detail"]["not_run"] == 0
        assert jobs["count"] == 12
    assert result["data"]["projects"] > 0 and result["parameters"]["scale"] == 0.001

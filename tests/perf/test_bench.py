"""The benchmarks still run: ``python -m bench`` end to end with a handful of operations, in
its own fresh database. Nothing here is timed; a benchmark's numbers are read, not asserted."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_report_drafting_runs_end_to_end(tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    done = subprocess.run(
        [sys.executable, "-m", "bench", "report_drafting", "--size", "3", "--out", str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "report_drafting" in done.stdout and "queries/op" in done.stdout
    [written] = tmp_path.glob("*.json")
    [result] = json.loads(written.read_text())["results"]
    assert result["summary"]["count"] == 3
    assert len(result["durations_ms"]) == 3
    assert all(count > 0 for count in result["queries"])
    assert sum(result["observations"]["overall_health"].values()) == 3
    assert (tmp_path / "bench.sqlite3").exists()

"""A web worker holds only what it serves with: the libraries of exports, list imports,
calendar invitations and PDFs are loaded the first time one is made, not when the worker
starts (together some 60 MB of each worker's memory)."""

import json
import os
import subprocess
import sys
from pathlib import Path

WORKER = """
import json, sys
from rapport.wsgi import application
from django.urls import get_resolver
get_resolver().url_patterns  # every view module, as the first request loads them
heavy = ("openpyxl", "icalendar", "weasyprint", "jieba", "snownlp", "vaderSentiment")
started = sorted(name for name in heavy if name in sys.modules)
from rapport.core import export
export.xlsx_response(name="x", title="x", columns=[], rows=[])
print(json.dumps({"started": started, "exported": "openpyxl" in sys.modules}))
"""


def test_a_web_worker_starts_without_the_libraries_it_rarely_needs(tmp_path):
    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rapport.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'web.sqlite3'}",
        "RAPPORT_VAR_DIR": str(tmp_path),
        "PYTHONPATH": os.pathsep.join([str(root / "src"), str(root)]),
    }
    done = subprocess.run(
        [sys.executable, "-c", WORKER],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"started": [], "exported": True}

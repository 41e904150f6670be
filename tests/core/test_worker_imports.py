"""A web worker holds only what it serves with: the libraries of exports, list imports,
calendar invitations and PDFs are loaded the first time one is made, not when the worker
starts (together some 60 MB of each worker's memory). What it does load, its code, is
frozen out of the garbage collector's full collections."""

from tests.fresh import run_fresh

WORKER = """
import gc, json, sys
from rapport.wsgi import application
heavy = ("openpyxl", "icalendar", "weasyprint", "jieba", "snownlp", "vaderSentiment")
started = sorted(name for name in heavy if name in sys.modules)
views = all(f"rapport.{app}.views" in sys.modules for app in ("portfolio", "lessons", "portal"))
frozen = gc.get_freeze_count()
from rapport.core import export
export.xlsx_response(name="x", title="x", columns=[], rows=[])
print(json.dumps({
    "started": started,
    "views": views,
    "frozen": frozen > 100_000,
    "collected": len(gc.get_objects(generation=2)) < frozen / 4,
    "exported": "openpyxl" in sys.modules,
}))
"""


def test_a_web_worker_starts_without_the_libraries_it_rarely_needs(tmp_path):
    assert run_fresh(WORKER, tmp_path) == {
        "started": [],
        "views": True,  # loaded before the first request, and frozen with the rest
        "frozen": True,
        "collected": True,  # what a full collection walks: a fraction of the code
        "exported": True,
    }

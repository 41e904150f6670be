"""``python -m bench [server] [--scale X ...]`` (``make bench``): Rapport through gunicorn on a
large organisation (``bench.server``).

``python -m bench NAME [NAME ...] [--size N]``: the named in-process benchmarks (of
``BENCHMARKS``) in a fresh SQLite database under ``var/bench/`` (never the development
database). Both print one table and write ``var/bench/<timestamp>.json``."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import BENCHMARKS, Result

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = [
    ("benchmark", "name", "<"),
    ("n", "count", ">"),
    ("mean ms", "mean_ms", ">"),
    ("p50 ms", "p50_ms", ">"),
    ("p95 ms", "p95_ms", ">"),
    ("max ms", "max_ms", ">"),
    ("total s", "total_s", ">"),
    ("queries/op", "queries_mean", ">"),
    ("max queries", "queries_max", ">"),
    ("setup s", "setup_s", ">"),
]


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"of {sorted(BENCHMARKS)}")
    parser.add_argument(
        "--size", type=int, help="how many operations (default: each benchmark's own)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "var" / "bench",
        help="directory of the database and the results (default: var/bench)",
    )
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s) {unknown}; known: {sorted(BENCHMARKS)}")
    if args.size is not None and args.size < 1:
        parser.error("--size must be at least 1")
    return args


def fresh_database(out: Path) -> None:
    """Point Rapport at a new, empty SQLite database in ``out`` and migrate it."""
    out.mkdir(parents=True, exist_ok=True)
    database = out / "bench.sqlite3"
    for path in (database, *(Path(f"{database}{suffix}") for suffix in ("-wal", "-shm"))):
        path.unlink(missing_ok=True)
    os.environ["RAPPORT_VAR_DIR"] = str(out)
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "rapport.settings"
    os.environ.pop("REDIS_URL", None)

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)


def table(results: list[Result]) -> str:
    rows = [[title for title, _key, _align in COLUMNS]]
    for result in results:
        summary = {"name": result.name, **result.summary()}
        rows.append([str(summary[key]) for _title, key, _align in COLUMNS])
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = [
        "  ".join(
            f"{cell:{align}{width}}"
            for cell, width, (_t, _k, align) in zip(row, widths, COLUMNS, strict=True)
        )
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def environment() -> dict[str, Any]:
    import django
    from django.db import connection

    return {
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": " ".join(
            [connection.vendor, ".".join(map(str, connection.get_database_version()))]
        ),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
    }


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in BENCHMARKS:
        from bench import server

        return server.main(argv[1:] if argv[:1] == ["server"] else argv)
    args = arguments(argv)
    started = datetime.now(UTC)
    out = args.out.resolve()
    fresh_database(out)
    results = []
    for name in args.names or list(BENCHMARKS):
        module = importlib.import_module(BENCHMARKS[name])
        print(f"{name}: building and running…", file=sys.stderr, flush=True)
        results.append(module.run(size=args.size))
    print(table(results))
    path = out / f"{started:%Y%m%dT%H%M%SZ}.json"
    path.write_text(
        json.dumps(
            {
                "at": started.isoformat(),
                "environment": environment(),
                "results": [result.as_json() for result in results],
            },
            indent=2,
        )
    )
    print(f"\nwritten to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Rapport's benchmarks: ``python -m bench [NAME ...]`` (or ``make bench``) runs them in a
fresh SQLite database under ``var/bench/``, prints one table and writes the results as JSON.

A benchmark is a module named in ``BENCHMARKS`` with ``run(*, size: int | None) -> Result``;
it builds its own data and times one operation many times. Benchmarks measure, they never
assert: the numbers are read by people and compared between runs."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from typing import Any

# name → module; each module has ``run(*, size)`` and a ``DEFAULT_SIZE``.
BENCHMARKS = {
    "report_drafting": "bench.report_drafting",
    "lesson_search": "bench.lesson_search",
}


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile: the smallest value with ``share`` of the values at or below."""
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)] if ordered else 0.0


@dataclass
class Result:
    """One benchmark's measurements: seconds and queries per operation."""

    name: str
    operation: str  # what was timed, e.g. "report_draft"
    durations: list[float]
    queries: list[int]
    setup_seconds: float = 0.0
    parameters: dict[str, Any] = field(default_factory=dict)
    observations: dict[str, Any] = field(default_factory=dict)  # what the data looked like

    def summary(self) -> dict[str, Any]:
        ms = [d * 1000 for d in self.durations]
        return {
            "count": len(ms),
            "mean_ms": round(statistics.fmean(ms), 2) if ms else 0.0,
            "p50_ms": round(statistics.median(ms), 2) if ms else 0.0,
            "p95_ms": round(percentile(ms, 0.95), 2),
            "max_ms": round(max(ms, default=0.0), 2),
            "total_s": round(sum(self.durations), 3),
            "queries_mean": round(statistics.fmean(self.queries), 1) if self.queries else 0.0,
            "queries_max": max(self.queries, default=0),
            "setup_s": round(self.setup_seconds, 1),
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "operation": self.operation,
            "parameters": self.parameters,
            "observations": self.observations,
            "summary": self.summary(),
            "durations_ms": [round(d * 1000, 3) for d in self.durations],
            "queries": self.queries,
        }

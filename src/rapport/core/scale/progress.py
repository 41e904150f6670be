"""A progress bar on stderr, drawn by hand: rows written of rows planned, the current step and
the time so far."""

from __future__ import annotations

import sys
import time
from typing import TextIO

WIDTH = 30


class Progress:
    def __init__(self, total: int, *, stream: TextIO | None = None, enabled: bool = True) -> None:
        self.total, self.done, self.step = max(total, 1), 0, ""
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.started = time.monotonic()
        self._drawn = 0.0

    def advance(self, rows: int, step: str | None = None) -> None:
        self.done += rows
        if step is not None:
            self.step = step
        now = time.monotonic()
        if now - self._drawn >= 0.2:
            self._draw(now)

    def _draw(self, now: float) -> None:
        self._drawn = now
        if not self.enabled:
            return
        share = min(self.done / self.total, 1.0)
        filled = int(WIDTH * share)
        elapsed = int(now - self.started)
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (WIDTH - filled)}] {share:6.1%} "
            f"{self.done:>10,}/{self.total:,} rows  {elapsed // 60:d}m{elapsed % 60:02d}s  "
            f"{self.step:<24.24}"
        )
        self.stream.flush()

    def close(self) -> float:
        """Draw the final state; the seconds it took."""
        self._draw(time.monotonic())
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
        return time.monotonic() - self.started
